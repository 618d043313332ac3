using Microsoft.ML.Tokenizers;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// BERT's WordPiece (Microsoft.ML.Tokenizers' BertTokenizer) from a <c>vocab.txt</c>: basic tokenization, optional
/// lower-casing with accent stripping, CJK characters split, then greedy longest-match sub-words.
/// </summary>
/// <remarks>
/// Lower-casing models also strip accents unless told otherwise, as Hugging Face's BertTokenizer does by default
/// (strip_accents follows do_lower_case); the parity tests against ONNX Runtime depend on it.
/// </remarks>
public sealed class WordPieceTokenizer : ISubwordTokenizer
{
    private readonly BertTokenizer _bert;
    private readonly Dictionary<string, int> _ids;

    private WordPieceTokenizer(BertTokenizer bert, string vocabText, Dictionary<string, int> ids, bool doLowerCase)
    {
        _bert = bert;
        _ids = ids;
        VocabText = vocabText;
        DoLowerCase = doLowerCase;
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
        var ids = new Dictionary<string, int>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++) ids.TryAdd(lines[i], i);
        foreach (var special in new[] { "[CLS]", "[SEP]", "[PAD]", "[UNK]" })
            if (!ids.ContainsKey(special))
                throw new InvalidDataException($"{source}: the vocabulary has no {special} token; expected a BERT WordPiece vocabulary.");
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(normalized));
        var bert = BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = doLowerCase,
            RemoveNonSpacingMarks = stripAccents ?? doLowerCase,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
            IndividuallyTokenizeCjk = tokenizeChineseChars,
        });
        return new WordPieceTokenizer(bert, normalized, ids, doLowerCase) { VocabSize = count };
    }

    /// <summary>The vocabulary, normalised to LF line endings.</summary>
    public string VocabText { get; }
    public bool DoLowerCase { get; }
    public int VocabSize { get; private init; }

    public int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    public IReadOnlyList<int> EncodeToIds(string text) =>
        text.Length == 0 ? Array.Empty<int>() : _bert.EncodeToIds(ReplaceLoneSurrogates(text), addSpecialTokens: false);

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
}
