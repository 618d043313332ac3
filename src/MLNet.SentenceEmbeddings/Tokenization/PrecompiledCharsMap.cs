using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// SentencePiece's compiled normalization rules (the <c>Precompiled</c> normalizer of XLM-R, T5, ALBERT, mBART
/// tokenizer.json files): <c>precompiled_charsmap</c> is, in base64, a little-endian u32 byte count of a Darts-clone
/// double-array trie, the trie's u32 units, then a blob of NUL-terminated UTF-8 replacement strings. Trie keys are
/// UTF-8 strings; a key's value is the blob offset of its replacement.
/// </summary>
/// <remarks>
/// Written from the format as the reference reads it (the <c>spm_precompiled</c> crate used by Hugging Face
/// tokenizers), including its quirk: the text is walked by extended grapheme clusters; a cluster shorter than 6 UTF-8
/// bytes is replaced whole by the value of the <i>shortest</i> key that is a prefix of it, else each code point is
/// looked up alone. Microsoft.ML.Tokenizers 2.0.1 parses the same blob inside SentencePieceTokenizer, but only from a
/// .model protobuf and not publicly, so this is our own reader.
/// </remarks>
internal sealed class PrecompiledCharsMap : TextNormalizer
{
    private readonly uint[] _units;
    private readonly byte[] _normalized;
    private readonly ConcurrentDictionary<int, string> _replacements = new();

    private PrecompiledCharsMap(uint[] units, byte[] normalized) => (_units, _normalized) = (units, normalized);

    /// <summary>An empty or null charsmap normalizes nothing (some converted tokenizers carry one).</summary>
    public static new TextNormalizer FromJson(JsonElement e, string source)
    {
        string? b64 = JsonFields.OptionalString(e, "precompiled_charsmap");
        if (string.IsNullOrEmpty(b64)) return new SequenceNormalizer(System.Array.Empty<TextNormalizer>());
        byte[] blob;
        try { blob = Convert.FromBase64String(b64); }
        catch (FormatException ex) { throw new InvalidDataException($"{source}: normalizer Precompiled: precompiled_charsmap is not base64.", ex); }
        return Parse(blob, source);
    }

    /// <exception cref="InvalidDataException">The blob is truncated or its strings are not UTF-8.</exception>
    public static PrecompiledCharsMap Parse(byte[] blob, string source)
    {
        if (blob.Length < 4) throw new InvalidDataException($"{source}: precompiled_charsmap has {blob.Length} bytes; expected at least a 4-byte trie size.");
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(blob);
        if (trieBytes > blob.Length - 4 || trieBytes % 4 != 0 || trieBytes == 0)
            throw new InvalidDataException($"{source}: precompiled_charsmap declares a {trieBytes}-byte trie in a {blob.Length}-byte blob; expected a positive multiple of 4 that fits.");
        var units = new uint[trieBytes / 4];
        for (int i = 0; i < units.Length; i++) units[i] = BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(4 + 4 * i));
        byte[] normalized = blob.AsSpan(4 + (int)trieBytes).ToArray();
        try { _ = new UTF8Encoding(false, true).GetCharCount(normalized); }
        catch (DecoderFallbackException ex) { throw new InvalidDataException($"{source}: precompiled_charsmap replacement strings are not valid UTF-8.", ex); }
        return new PrecompiledCharsMap(units, normalized);
    }

    public override string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        Span<byte> utf8 = stackalloc byte[8];
        var span = text.AsSpan();
        while (!span.IsEmpty)
        {
            int len = StringInfo.GetNextTextElementLength(span);
            var grapheme = span[..len];
            span = span[len..];
            int byteCount = Encoding.UTF8.GetByteCount(grapheme);
            if (byteCount < 6)
            {
                Encoding.UTF8.GetBytes(grapheme, utf8);
                int value = FirstPrefixValue(utf8[..byteCount]);
                if (value >= 0) { sb.Append(Replacement(value)); continue; }
            }
            while (!grapheme.IsEmpty)
            {
                Rune.DecodeFromUtf16(grapheme, out var r, out int used);
                int n = r.EncodeToUtf8(utf8);
                int value = FirstPrefixValue(utf8[..n]);
                if (value >= 0) sb.Append(Replacement(value)); else sb.Append(grapheme[..used]);
                grapheme = grapheme[used..];
            }
        }
        return sb.ToString();
    }

    /// <summary>The value of the shortest key that is a prefix of <paramref name="key"/>, or -1.</summary>
    private int FirstPrefixValue(ReadOnlySpan<byte> key)
    {
        uint pos = 0;
        pos ^= Offset(_units[0]);
        foreach (byte c in key)
        {
            if (c == 0) break;
            pos ^= c;
            if (pos >= _units.Length) return -1;
            uint unit = _units[pos];
            if (Label(unit) != c) return -1;
            pos ^= Offset(unit);
            if (HasLeaf(unit)) return pos < _units.Length ? (int)(_units[pos] & 0x7FFFFFFF) : -1;
        }
        return -1;
    }

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;
    private static uint Label(uint unit) => unit & (0x80000000u | 0xFF);
    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);

    /// <summary>The NUL-terminated string at <paramref name="index"/> of the blob.</summary>
    private string Replacement(int index) => _replacements.GetOrAdd(index, i =>
    {
        if (i >= _normalized.Length) return "";
        int end = System.Array.IndexOf(_normalized, (byte)0, i);
        return Encoding.UTF8.GetString(_normalized, i, (end < 0 ? _normalized.Length : end) - i);
    });
}
