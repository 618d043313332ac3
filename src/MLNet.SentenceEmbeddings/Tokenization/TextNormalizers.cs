using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The normalizer step of a tokenizer.json (Hugging Face's <c>normalizers</c>): text in, text out. Only ids matter
/// here, so unlike the reference no offsets are tracked. Microsoft.ML.Tokenizers 2.0.1 has Bert, lower/upper-case and
/// SentencePiece normalizers but each is tied to its own tokenizer (no public charsmap, no Sequence, Replace, Prepend or
/// Strip), so the steps are written here, each to the reference's definition.
/// </summary>
internal abstract class TextNormalizer
{
    public abstract string Normalize(string text);

    /// <summary>Reads a normalizer object; null JSON gives null (no normalizer).</summary>
    public static TextNormalizer? FromJson(JsonElement e, string source)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = JsonFields.Type(e, "normalizer", source);
        return type switch
        {
            "BertNormalizer" => new BertTextNormalizer(
                JsonFields.Bool(e, "clean_text", true), JsonFields.Bool(e, "handle_chinese_chars", true),
                JsonFields.NullableBool(e, "strip_accents"), JsonFields.Bool(e, "lowercase", true)),
            "NFC" => new UnicodeFormNormalizer(NormalizationForm.FormC),
            "NFD" => new UnicodeFormNormalizer(NormalizationForm.FormD),
            "NFKC" => new UnicodeFormNormalizer(NormalizationForm.FormKC),
            "NFKD" => new UnicodeFormNormalizer(NormalizationForm.FormKD),
            "Lowercase" => new LowercaseNormalizer(),
            "StripAccents" => new StripAccentsNormalizer(),
            "Strip" => new StripNormalizer(JsonFields.Bool(e, "strip_left", true), JsonFields.Bool(e, "strip_right", true)),
            "Replace" => ReplaceNormalizer.FromJson(e, source),
            "Prepend" => new PrependNormalizer(JsonFields.String(e, "prepend", "normalizer Prepend", source)),
            "Nmt" => new NmtNormalizer(),
            "ByteLevel" => new ByteLevelNormalizer(),
            "Precompiled" => PrecompiledCharsMap.FromJson(e, source),
            "Sequence" => new SequenceNormalizer(JsonFields.Array(e, "normalizers", "normalizer Sequence", source)
                .Select(x => FromJson(x, source)).OfType<TextNormalizer>().ToArray()),
            _ => throw new NotSupportedException($"{source}: normalizer type '{type}' is not supported; expected one of " +
                "BertNormalizer, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Replace, Prepend, Nmt, ByteLevel, Precompiled, Sequence."),
        };
    }

    /// <summary>Rebuilds <paramref name="text"/> rune by rune: <paramref name="map"/> appends a replacement and returns true, or returns false to keep the rune.</summary>
    protected static string MapRunes(string text, Func<Rune, StringBuilder, bool> map)
    {
        StringBuilder? sb = null;
        int i = 0;
        foreach (var r in text.EnumerateRunes())
        {
            sb ??= new StringBuilder(text.Length + 8);
            if (!map(r, sb)) sb.Append(text, i, r.Utf16SequenceLength);
            i += r.Utf16SequenceLength;
        }
        return sb is null ? text : sb.ToString();
    }
}

/// <summary>BERT's clean-up, CJK spacing, accent stripping and lower-casing, in the reference's order.</summary>
internal sealed class BertTextNormalizer(bool cleanText, bool handleChineseChars, bool? stripAccents, bool lowercase) : TextNormalizer
{
    public override string Normalize(string text)
    {
        if (cleanText)
            text = MapRunes(text, (r, sb) =>
            {
                if (r.Value is 0 or 0xFFFD || (r.Value is not ('\t' or '\n' or '\r') && UnicodeClasses.IsOther(r))) return true;
                if (r.Value is '\t' or '\n' or '\r' || UnicodeClasses.IsWhitespace(r)) { sb.Append(' '); return true; }
                return false;
            });
        if (handleChineseChars)
            text = MapRunes(text, (r, sb) =>
            {
                if (!UnicodeClasses.IsChinese(r.Value)) return false;
                sb.Append(' ').Append(r.ToString()).Append(' ');
                return true;
            });
        if (stripAccents ?? lowercase)
            text = MapRunes(text.Normalize(NormalizationForm.FormD), (r, _) => UnicodeClasses.IsNonSpacingMark(r));
        if (lowercase) text = LowercaseNormalizer.Lower(text);
        return text;
    }
}

internal sealed class UnicodeFormNormalizer(NormalizationForm form) : TextNormalizer
{
    public override string Normalize(string text) => text.Normalize(form);
}

internal sealed class LowercaseNormalizer : TextNormalizer
{
    public override string Normalize(string text) => Lower(text);

    public static string Lower(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var r in text.EnumerateRunes()) UnicodeClasses.AppendLower(sb, r);
        return sb.ToString();
    }
}

/// <summary>Removes every mark (Mn, Mc, Me), without decomposing first (pair it with NFD/NFKD, as tokenizer.json files do).</summary>
internal sealed class StripAccentsNormalizer : TextNormalizer
{
    public override string Normalize(string text) => MapRunes(text, (r, _) => UnicodeClasses.IsMark(r));
}

internal sealed class StripNormalizer(bool left, bool right) : TextNormalizer
{
    public override string Normalize(string text)
    {
        int start = 0, end = text.Length;
        if (left)
            while (start < end && Rune.DecodeFromUtf16(text.AsSpan(start), out var r, out int n) == System.Buffers.OperationStatus.Done
                   && UnicodeClasses.IsWhitespace(r)) start += n;
        if (right)
            while (end > start && Rune.DecodeLastFromUtf16(text.AsSpan(start, end - start), out var r, out int n) == System.Buffers.OperationStatus.Done
                   && UnicodeClasses.IsWhitespace(r)) end -= n;
        return start == 0 && end == text.Length ? text : text[start..end];
    }
}

/// <summary>Replaces a literal string or a regular expression (tokenizer.json <c>{"String": ...}</c> or <c>{"Regex": ...}</c>).</summary>
internal sealed class ReplaceNormalizer : TextNormalizer
{
    private readonly string? _literal;
    private readonly UnicodeRegex? _regex;
    private readonly string _content;

    private ReplaceNormalizer(string? literal, UnicodeRegex? regex, string content) => (_literal, _regex, _content) = (literal, regex, content);

    public static new ReplaceNormalizer FromJson(JsonElement e, string source)
    {
        var (literal, regex) = JsonFields.Pattern(e, "normalizer Replace", source);
        return new ReplaceNormalizer(literal, regex is null ? null : new UnicodeRegex(regex, source),
            JsonFields.String(e, "content", "normalizer Replace", source));
    }

    public override string Normalize(string text)
    {
        if (_literal is not null) return _literal.Length == 0 ? text : text.Replace(_literal, _content, StringComparison.Ordinal);
        var matches = _regex!.Matches(text);
        if (matches.Count == 0) return text;
        var sb = new StringBuilder(text.Length);
        int last = 0;
        foreach (var (s, e) in matches)
        {
            sb.Append(text, last, s - last).Append(_content);
            last = e;
        }
        return sb.Append(text, last, text.Length - last).ToString();
    }
}

/// <summary>Prepends a string to non-empty text (Llama-style SentencePiece BPE prepends '▁').</summary>
internal sealed class PrependNormalizer(string prefix) : TextNormalizer
{
    public override string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}

/// <summary>The NMT clean-up: drops some ASCII controls, turns other separators into spaces.</summary>
internal sealed class NmtNormalizer : TextNormalizer
{
    public override string Normalize(string text) => MapRunes(text, (r, sb) =>
    {
        switch (r.Value)
        {
            case >= 0x1 and <= 0x8 or 0xB or (>= 0xE and <= 0x1F) or 0x7F or 0x8F or 0x9F: return true;
            case 0x9 or 0xA or 0xC or 0xD or 0x1680 or (>= 0x200B and <= 0x200F) or 0x2028 or 0x2029 or 0x2581 or 0xFEFF or 0xFFFD:
                sb.Append(' ');
                return true;
            default: return false;
        }
    });
}

/// <summary>GPT-2's byte-to-character mapping applied as a normalizer.</summary>
internal sealed class ByteLevelNormalizer : TextNormalizer
{
    public override string Normalize(string text) => ByteLevelAlphabet.Map(text);
}

internal sealed class SequenceNormalizer(IReadOnlyList<TextNormalizer> steps) : TextNormalizer
{
    public override string Normalize(string text)
    {
        foreach (var step in steps) text = step.Normalize(text);
        return text;
    }
}
