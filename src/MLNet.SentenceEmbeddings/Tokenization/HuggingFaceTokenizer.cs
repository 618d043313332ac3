using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The text-to-ids part of a Hugging Face tokenizer.json, run as the Hugging Face tokenizers library runs it: added
/// tokens that are not normalized are cut out of the raw text; the rest is normalized, normalized added tokens are cut
/// out, the pre-tokenizer splits what remains into words, and the model (WordPiece, BPE, Unigram or WordLevel) turns
/// each word into ids. Special tokens around the sentence, truncation and padding are <see cref="SentenceTokenizer"/>'s.
/// Build one with <see cref="TokenizerJson"/>. Immutable and thread-safe.
/// </summary>
public sealed class HuggingFaceTokenizer : ISubwordTokenizer
{
    private readonly TextNormalizer? _normalizer;
    private readonly WordSplitter? _splitter;
    private readonly SubwordModel _model;
    private readonly AddedTokenSplitter _raw, _normalized;
    private readonly Dictionary<string, int> _addedIds;

    internal HuggingFaceTokenizer(TextNormalizer? normalizer, WordSplitter? splitter, SubwordModel model, IReadOnlyList<AddedToken> added)
    {
        _normalizer = normalizer;
        _splitter = splitter;
        _model = model;
        _addedIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in added) _addedIds[t.Content] = t.Id;
        _raw = new AddedTokenSplitter(added.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalized = new AddedTokenSplitter(added.Where(t => t.Normalized)
            .Select(t => (normalizer is null ? t.Content : normalizer.Normalize(t.Content), t)));
        AddedTokens = added.Select(t => t.Content).ToArray();
        VocabSize = Math.Max(model.VocabSize, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
    }

    /// <summary>One more than the largest id, added tokens included (the rows an embedding table needs).</summary>
    public int VocabSize { get; }

    /// <summary>The contents of tokenizer.json's <c>added_tokens</c>, in file order.</summary>
    public IReadOnlyList<string> AddedTokens { get; }

    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedIds.TryGetValue(token, out int id) ? id : _model.TokenToId(token);
    }

    public IReadOnlyList<int> EncodeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (text.Length == 0) return ids;
        text = UnicodeClasses.ReplaceLoneSurrogates(text);
        foreach (var (start, end, token) in Segments(_raw, text))
        {
            if (token is not null) { ids.Add(token.Id); continue; }
            string part = text[start..end];
            if (_normalizer is not null) part = _normalizer.Normalize(part);
            foreach (var (s, e, inner) in Segments(_normalized, part))
            {
                if (inner is not null) { ids.Add(inner.Id); continue; }
                var pieces = new List<TextPiece> { new(part[s..e], start == 0 && s == 0) };
                if (_splitter is not null) pieces = _splitter.Split(pieces);
                foreach (var piece in pieces)
                    if (piece.Text.Length > 0) _model.Tokenize(piece.Text, ids);
            }
        }
        return ids;
    }

    private static List<(int Start, int End, AddedToken? Token)> Segments(AddedTokenSplitter splitter, string text) =>
        splitter.IsEmpty ? (text.Length == 0 ? new() : new() { (0, text.Length, null) }) : splitter.Split(text);
}
