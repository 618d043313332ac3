namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// BERT's WordPiece from a <c>vocab.txt</c>, tokenizing as Hugging Face's BertTokenizerFast does: BERT's normalizer
/// (control characters dropped, CJK characters spaced, optional lower-casing with accent stripping), BERT's
/// pre-tokenizer (whitespace, then every punctuation character, ASCII symbols such as $ + &lt; = included), greedy
/// longest-match sub-words (Microsoft.ML.Tokenizers' WordPieceTokenizer), and the vocabulary's [PAD] [UNK] [CLS] [SEP]
/// [MASK] cut out of the text as special tokens. It is the tokenizer.json pipeline (<see cref="HuggingFaceTokenizer"/>)
/// with BERT's parts, so a vocab.txt and the tokenizer.json built from it give the same ids.
/// </summary>
/// <remarks>
/// Until this class was rebuilt on that pipeline it wrapped Microsoft.ML.Tokenizers' BertTokenizer, whose basic
/// tokenizer drops or keeps symbols differently from the reference (for example it loses "$" and "=", and keeps
/// emoji whole), so lines with such characters got other ids than the reference. Lower-casing models also strip accents
/// unless told otherwise, as Hugging Face's BertTokenizer does by default (strip_accents follows do_lower_case).
/// </remarks>
public sealed class WordPieceTokenizer : ISubwordTokenizer
{
    private static readonly string[] SpecialTokens = { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
    private readonly HuggingFaceTokenizer _pipeline;

    private WordPieceTokenizer(HuggingFaceTokenizer pipeline, string vocabText, bool doLowerCase, int vocabSize)
    {
        _pipeline = pipeline;
        VocabText = vocabText;
        DoLowerCase = doLowerCase;
        VocabSize = vocabSize;
    }

    /// <summary>Builds the tokenizer from the text of a <c>vocab.txt</c> (one token a line; CRLF accepted).</summary>
    /// <param name="vocabText">The vocabulary. Vocabularies must come from a trusted source.</param>
    /// <param name="doLowerCase">Lower-case before WordPiece, as uncased models expect.</param>
    /// <param name="source">Names the vocabulary in error messages (a file path or a resource name).</param>
    /// <param name="stripAccents">Remove combining marks; null follows <paramref name="doLowerCase"/>, as Hugging Face does.</param>
    /// <param name="tokenizeChineseChars">Put spaces around CJK characters (BERT's default).</param>
    public static WordPieceTokenizer FromVocab(string vocabText, bool doLowerCase, string source = "vocab.txt",
        bool? stripAccents = null, bool tokenizeChineseChars = true)
    {
        ArgumentNullException.ThrowIfNull(vocabText);
        // Normalise CRLF (both packaged vocabularies use it) so no token carries a trailing '\r'.
        string normalized = vocabText.Replace("\r\n", "\n").Replace('\r', '\n');
        var lines = normalized.Split('\n');
        int count = normalized.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var tokens = lines.AsSpan(0, count).ToArray();
        var present = new HashSet<string>(tokens, StringComparer.Ordinal);
        foreach (var special in new[] { "[CLS]", "[SEP]", "[PAD]", "[UNK]" })
            if (!present.Contains(special))
                throw new InvalidDataException($"{source}: the vocabulary has no {special} token; expected a BERT WordPiece vocabulary.");
        var model = WordPieceModel.Create(tokens, "[UNK]");
        var added = SpecialTokens.Where(present.Contains)
            .Select(t => new AddedToken(model.TokenToId(t)!.Value, t, Special: true, SingleWord: false, LStrip: false, RStrip: false, Normalized: false))
            .ToList();
        var pipeline = new HuggingFaceTokenizer(
            new BertTextNormalizer(cleanText: true, tokenizeChineseChars, stripAccents ?? doLowerCase, doLowerCase),
            WordSplitter.BertPreTokenizer(), model, added);
        return new WordPieceTokenizer(pipeline, normalized, doLowerCase, count);
    }

    /// <summary>The vocabulary, normalised to LF line endings.</summary>
    public string VocabText { get; }
    public bool DoLowerCase { get; }
    public int VocabSize { get; }

    public int? TokenToId(string token) => _pipeline.TokenToId(token);

    public IReadOnlyList<int> EncodeToIds(string text) => _pipeline.EncodeToIds(text);

    /// <summary>
    /// Unpaired UTF-16 surrogates become U+FFFD: what the UTF-8 conversion at the reference library's door gives, and
    /// what .NET's Unicode normalization needs (it throws on them). Returns the input itself when there are none.
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
}
