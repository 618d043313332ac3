using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The WordPiece model of a tokenizer.json: greedy longest match with a continuing-subword prefix ("##"), the whole
/// word becomes the unknown token when any part fails or the word is longer than <c>max_input_chars_per_word</c>.
/// The matching is Microsoft.ML.Tokenizers' <see cref="Microsoft.ML.Tokenizers.WordPieceTokenizer"/>, called per word
/// with its own pre-tokenization and normalization off (the tokenizer.json pipeline has done both).
/// </summary>
internal sealed class WordPieceModel : SubwordModel
{
    private readonly Microsoft.ML.Tokenizers.WordPieceTokenizer _wordPiece;
    private readonly Dictionary<string, int> _vocab;

    private WordPieceModel(Microsoft.ML.Tokenizers.WordPieceTokenizer wordPiece, Dictionary<string, int> vocab) =>
        (_wordPiece, _vocab) = (wordPiece, vocab);

    public static new WordPieceModel FromJson(JsonElement e, string source)
    {
        var vocab = ReadVocab(e, "WordPiece", source);
        string unk = JsonFields.OptionalString(e, "unk_token") ?? "[UNK]";
        if (!vocab.ContainsKey(unk)) throw new InvalidDataException($"{source}: WordPiece unk_token '{unk}' is not in the vocabulary.");
        // Microsoft.ML.Tokenizers reads a vocab.txt (line number = id): ids must be 0..n-1 and tokens single lines.
        var byId = new string?[vocab.Count];
        foreach (var (token, id) in vocab)
        {
            if (id >= byId.Length || byId[id] is not null)
                throw new InvalidDataException($"{source}: WordPiece ids must run 0..{vocab.Count - 1} without gaps; '{token}' has id {id}.");
            if (token.AsSpan().IndexOfAny('\n', '\r') >= 0)
                throw new InvalidDataException($"{source}: WordPiece token with id {id} contains a line break.");
            byId[id] = token;
        }
        return Create(byId!, unk, JsonFields.OptionalString(e, "continuing_subword_prefix") ?? "##",
            JsonFields.OptionalInt(e, "max_input_chars_per_word") ?? 100);
    }

    /// <summary>A model over <paramref name="tokensById"/> (id = index; a repeated token keeps its last id, as the reference's map does).</summary>
    internal static WordPieceModel Create(IReadOnlyList<string> tokensById, string unk, string prefix = "##", int maxInputCharsPerWord = 100)
    {
        var vocab = new Dictionary<string, int>(tokensById.Count, StringComparer.Ordinal);
        var text = new StringBuilder();
        for (int id = 0; id < tokensById.Count; id++)
        {
            vocab[tokensById[id]] = id;
            text.Append(tokensById[id]).Append('\n');
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        var wordPiece = Microsoft.ML.Tokenizers.WordPieceTokenizer.Create(stream, new WordPieceOptions
        {
            UnknownToken = unk,
            ContinuingSubwordPrefix = prefix,
            MaxInputCharsPerWord = maxInputCharsPerWord,
        });
        return new WordPieceModel(wordPiece, vocab);
    }

    public override int VocabSize => _vocab.Count;
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    public override void Tokenize(string word, List<int> ids) =>
        ids.AddRange(_wordPiece.EncodeToIds(word, considerPreTokenization: false, considerNormalization: false));
}
