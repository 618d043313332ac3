using Microsoft.ML.Tokenizers;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>One tokenized input: ids with [CLS]/[SEP], segment ids, and whether truncation cut it.</summary>
public readonly record struct TokenizedInput(int[] InputIds, int[] TokenTypeIds, bool Truncated)
{
    public int Length => InputIds.Length;
}

/// <summary>
/// WordPiece tokenization for BERT-family encoders (Microsoft.ML.Tokenizers' BertTokenizer), with the model's
/// lower-casing, [CLS]/[SEP], sentence pairs with token-type ids, and truncation to the maximum sequence length.
/// Truncation is counted (<see cref="TruncatedCount"/>), never silent.
/// </summary>
/// <remarks>
/// Lower-casing models also strip accents, as Hugging Face's BertTokenizer does by default (strip_accents follows
/// do_lower_case); the parity tests against ONNX Runtime depend on it. A null sentence is tokenized as the empty
/// string ("[CLS] [SEP]").
/// </remarks>
public sealed class SentenceTokenizer
{
    private readonly BertTokenizer _bert;
    private long _truncated;

    private SentenceTokenizer(BertTokenizer bert, string vocabText, int maxSequenceLength, bool doLowerCase)
    {
        _bert = bert;
        VocabText = vocabText;
        MaxSequenceLength = maxSequenceLength;
        DoLowerCase = doLowerCase;
        VocabSize = CountVocab(vocabText);
    }

    /// <summary>Builds a tokenizer from the text of a <c>vocab.txt</c> (one token a line; CRLF accepted).</summary>
    /// <param name="vocabText">The vocabulary file's content. Vocabularies must come from a trusted source.</param>
    /// <param name="maxSequenceLength">Longest input in tokens, [CLS] and [SEP] included (at least 2).</param>
    /// <param name="doLowerCase">Lower-case (and strip accents) before WordPiece, as uncased models expect.</param>
    /// <param name="source">Names the vocabulary in error messages (a file path or a resource name).</param>
    public static SentenceTokenizer FromVocab(string vocabText, int maxSequenceLength, bool doLowerCase, string source = "vocab.txt")
    {
        ArgumentNullException.ThrowIfNull(vocabText);
        if (maxSequenceLength < 2)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength, "max_seq_length must leave room for [CLS] and [SEP] (>= 2).");
        // Normalise CRLF (both packaged vocabularies use it) so no token carries a trailing '\r'.
        string normalized = vocabText.Replace("\r\n", "\n").Replace('\r', '\n');
        var tokens = normalized.Split('\n').ToHashSet(StringComparer.Ordinal);
        foreach (var special in new[] { "[CLS]", "[SEP]", "[PAD]", "[UNK]" })
            if (!tokens.Contains(special))
                throw new InvalidDataException($"{source}: the vocabulary has no {special} token; expected a BERT WordPiece vocabulary.");
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(normalized));
        var bert = BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = doLowerCase,
            RemoveNonSpacingMarks = doLowerCase,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
            IndividuallyTokenizeCjk = true,
        });
        return new SentenceTokenizer(bert, normalized, maxSequenceLength, doLowerCase);
    }

    /// <summary>Builds a tokenizer from a <c>vocab.txt</c> file.</summary>
    public static SentenceTokenizer FromFile(string vocabPath, int maxSequenceLength, bool doLowerCase)
    {
        if (!File.Exists(vocabPath)) throw new FileNotFoundException($"Vocabulary file not found: {vocabPath}", vocabPath);
        return FromVocab(File.ReadAllText(vocabPath), maxSequenceLength, doLowerCase, vocabPath);
    }

    /// <summary>The vocabulary, normalised to LF line endings (what <see cref="SaveVocab"/> writes).</summary>
    public string VocabText { get; }
    public int VocabSize { get; }
    public int MaxSequenceLength { get; }
    public bool DoLowerCase { get; }
    public int PadTokenId => _bert.PaddingTokenId;
    public int ClsTokenId => _bert.ClassificationTokenId;
    public int SepTokenId => _bert.SeparatorTokenId;

    /// <summary>How many inputs this tokenizer has truncated since it was created (thread-safe).</summary>
    public long TruncatedCount => Interlocked.Read(ref _truncated);

    public void SaveVocab(string path) => File.WriteAllText(path, VocabText);

    /// <summary>WordPiece ids of a text, without special tokens and without truncation.</summary>
    public IReadOnlyList<int> EncodeWords(string? text) =>
        string.IsNullOrEmpty(text) ? Array.Empty<int>() : _bert.EncodeToIds(ReplaceLoneSurrogates(text), addSpecialTokens: false);

    /// <summary>
    /// Unicode normalisation (inside BertTokenizer) throws on unpaired UTF-16 surrogates; replace them with U+FFFD,
    /// which is what a UTF-8 round trip of the text would give the reference tokenizer.
    /// </summary>
    internal static string ReplaceLoneSurrogates(string text)
    {
        int i = 0;
        for (; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            break;
        }
        if (i >= text.Length) return text; // the common case: no allocation
        var chars = text.ToCharArray();
        for (int j = i; j < chars.Length; j++)
        {
            if (!char.IsSurrogate(chars[j])) continue;
            if (char.IsHighSurrogate(chars[j]) && j + 1 < chars.Length && char.IsLowSurrogate(chars[j + 1])) { j++; continue; }
            chars[j] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <summary>"[CLS] text [SEP]", truncated to <see cref="MaxSequenceLength"/>.</summary>
    public TokenizedInput Encode(string? text)
    {
        var words = EncodeWords(text);
        int budget = MaxSequenceLength - 2;
        bool truncated = words.Count > budget;
        int n = Math.Min(words.Count, budget);
        var ids = new int[n + 2];
        ids[0] = ClsTokenId;
        for (int i = 0; i < n; i++) ids[i + 1] = words[i];
        ids[n + 1] = SepTokenId;
        if (truncated) Interlocked.Increment(ref _truncated);
        return new TokenizedInput(ids, new int[n + 2], truncated);
    }

    /// <summary>
    /// "[CLS] a [SEP] b [SEP]" with token-type ids 0 for a's part and 1 for b's, truncated longest-first to
    /// <see cref="MaxSequenceLength"/> (the cross-encoder input).
    /// </summary>
    public TokenizedInput EncodePair(string? a, string? b)
    {
        var wa = EncodeWords(a);
        var wb = EncodeWords(b);
        int na = wa.Count, nb = wb.Count, budget = MaxSequenceLength - 3;
        bool truncated = na + nb > budget;
        while (na + nb > budget)
        {
            if (na >= nb) na--; else nb--;
        }
        var first = wa.Take(na);
        var second = wb.Take(nb);
        var ids = _bert.BuildInputsWithSpecialTokens(first, second).ToArray();
        var types = _bert.CreateTokenTypeIdsFromSequences(first, second).ToArray();
        if (truncated) Interlocked.Increment(ref _truncated);
        return new TokenizedInput(ids, types, truncated);
    }

    private static int CountVocab(string normalized)
    {
        int lines = normalized.Split('\n').Length;
        return normalized.EndsWith('\n') ? lines - 1 : lines;
    }
}
