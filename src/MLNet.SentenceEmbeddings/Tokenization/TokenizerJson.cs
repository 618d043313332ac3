using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>What a tokenizer.json holds for a sentence encoder: the sub-word pipeline, the special-token template, the
/// padding id, and the truncation length the file itself declares (if any; callers choose the length they use).</summary>
public sealed record TokenizerJsonContents(HuggingFaceTokenizer Subwords, SpecialTokenTemplate Template, int PadTokenId, int? FileMaxLength);

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> (the file the Hugging Face tokenizers library saves; sentence-transformers
/// model folders ship it): normalizer, pre-tokenizer, model (WordPiece, BPE, Unigram, WordLevel), post-processor and
/// added tokens. Proven id-for-id against the Hugging Face library by <c>tools/tokenizer-parity/run.sh</c>
/// (docs/tokenizers.md).
/// </summary>
/// <remarks>
/// Tokenizer files must come from a trusted source. The file is checked before it is parsed (size) and each part is
/// validated as it is read; errors name the file and the part at fault. Padding id: the <c>padToken</c> argument when
/// given (tokenizer_config.json's <c>pad_token</c>), else the file's <c>padding.pad_id</c>, else the id of
/// <c>[PAD]</c>, <c>&lt;pad&gt;</c> or <c>&lt;|padding|&gt;</c>, else 0 (padded positions are masked, so any valid id does).
/// </remarks>
public static class TokenizerJson
{
    /// <summary>Largest tokenizer.json accepted (the biggest real ones, 256k-token vocabularies, are ~35 MB).</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>Loads <paramref name="path"/> as a <see cref="SentenceTokenizer"/> truncating at <paramref name="maxSequenceLength"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid tokenizer.json; the message names the part.</exception>
    /// <exception cref="NotSupportedException">A component type this reader does not implement.</exception>
    public static SentenceTokenizer Load(string path, int maxSequenceLength, string? padToken = null)
    {
        var c = Read(path, padToken);
        return new SentenceTokenizer(c.Subwords, c.Template, c.PadTokenId, maxSequenceLength);
    }

    /// <summary>Reads a tokenizer.json from a stream; <paramref name="source"/> names it in errors.</summary>
    public static SentenceTokenizer Load(Stream stream, int maxSequenceLength, string source = "tokenizer.json", string? padToken = null)
    {
        var c = Read(stream, source, padToken);
        return new SentenceTokenizer(c.Subwords, c.Template, c.PadTokenId, maxSequenceLength);
    }

    /// <summary>The parts of the tokenizer.json at <paramref name="path"/>.</summary>
    public static TokenizerJsonContents Read(string path, string? padToken = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer.json not found: {path}", path);
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes) throw new InvalidDataException($"{path}: {length} bytes; a tokenizer.json is expected to be at most {MaxFileBytes}.");
        return Parse(File.ReadAllBytes(path), path, padToken);
    }

    /// <summary>The parts of a tokenizer.json read from <paramref name="stream"/>.</summary>
    public static TokenizerJsonContents Read(Stream stream, string source = "tokenizer.json", string? padToken = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position > MaxFileBytes)
            throw new InvalidDataException($"{source}: {stream.Length - stream.Position} bytes; a tokenizer.json is expected to be at most {MaxFileBytes}.");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int n; (n = stream.Read(chunk)) > 0;)
        {
            if (buffer.Length + n > MaxFileBytes) throw new InvalidDataException($"{source}: longer than {MaxFileBytes} bytes; not a tokenizer.json.");
            buffer.Write(chunk, 0, n);
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), source, padToken);
    }

    /// <summary>The parts of a tokenizer.json given as UTF-8 bytes.</summary>
    public static TokenizerJsonContents Parse(ReadOnlyMemory<byte> utf8Json, string source = "tokenizer.json", string? padToken = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var modelJson))
                throw new InvalidDataException($"{source}: expected a tokenizer.json object with a 'model'.");
            var model = SubwordModel.FromJson(modelJson, source);
            var normalizer = root.TryGetProperty("normalizer", out var n) ? TextNormalizer.FromJson(n, source) : null;
            var splitter = root.TryGetProperty("pre_tokenizer", out var p) ? WordSplitter.FromJson(p, source) : null;
            var added = root.TryGetProperty("added_tokens", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(x => AddedToken.FromJson(x, source)).ToList()
                : new List<AddedToken>();
            var subwords = new HuggingFaceTokenizer(normalizer, splitter, model, added);
            var template = root.TryGetProperty("post_processor", out var pp)
                ? PostProcessorTemplate.FromJson(pp, subwords.TokenToId, source)
                : PostProcessorTemplate.Plain;
            int pad = PadId(root, subwords, padToken, source);
            int? fileMax = root.TryGetProperty("truncation", out var t) && t.ValueKind == JsonValueKind.Object ? JsonFields.OptionalInt(t, "max_length") : null;
            return new TokenizerJsonContents(subwords, template, pad, fileMax);
        }
    }

    private static int PadId(JsonElement root, HuggingFaceTokenizer subwords, string? padToken, string source)
    {
        if (padToken is not null)
            return subwords.TokenToId(padToken) ?? throw new InvalidDataException($"{source}: pad token '{padToken}' is not in the vocabulary.");
        if (root.TryGetProperty("padding", out var pad) && pad.ValueKind == JsonValueKind.Object && JsonFields.OptionalInt(pad, "pad_id") is int id)
            return id;
        foreach (var candidate in new[] { "[PAD]", "<pad>", "<|padding|>" })
            if (subwords.TokenToId(candidate) is int found) return found;
        return 0;
    }
}
