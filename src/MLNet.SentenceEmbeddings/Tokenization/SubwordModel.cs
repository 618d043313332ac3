using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The model step of a tokenizer.json (Hugging Face's <c>models</c>): one pre-tokenized word in, vocabulary ids out.
/// Implementations are immutable after construction and safe to call from many threads.
/// </summary>
internal abstract class SubwordModel
{
    /// <summary>One more than the largest id of the model's vocabulary.</summary>
    public abstract int VocabSize { get; }

    public abstract int? TokenToId(string token);

    /// <summary>Appends the ids of <paramref name="word"/> (non-empty) to <paramref name="ids"/>.</summary>
    public abstract void Tokenize(string word, List<int> ids);

    public static SubwordModel FromJson(JsonElement e, string source)
    {
        string type = e.ValueKind == JsonValueKind.Object && !e.TryGetProperty("type", out _)
            ? Infer(e, source) // files written before "type" was serialized
            : JsonFields.Type(e, "model", source);
        return type switch
        {
            "WordPiece" => WordPieceModel.FromJson(e, source),
            "BPE" => BpeModel.FromJson(e, source),
            "Unigram" => UnigramModel.FromJson(e, source),
            "WordLevel" => WordLevelModel.FromJson(e, source),
            _ => throw new NotSupportedException($"{source}: model type '{type}' is not supported; expected WordPiece, BPE, Unigram or WordLevel."),
        };
    }

    private static string Infer(JsonElement e, string source) =>
        e.TryGetProperty("merges", out _) ? "BPE"
        : e.TryGetProperty("continuing_subword_prefix", out _) ? "WordPiece"
        : e.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array ? "Unigram"
        : throw new InvalidDataException($"{source}: model has no 'type' and its fields match no known model.");

    /// <summary>Reads a <c>{"token": id, ...}</c> vocabulary, checking ids before sizing anything by them.</summary>
    internal static Dictionary<string, int> ReadVocab(JsonElement e, string model, string source)
    {
        if (!e.TryGetProperty("vocab", out var v) || v.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: model {model} needs a 'vocab' object of token to id.");
        int count = 0;
        foreach (var _ in v.EnumerateObject()) count++;
        var vocab = new Dictionary<string, int>(count, StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetInt32(out int id) || id < 0)
                throw new InvalidDataException($"{source}: model {model} vocab entry '{p.Name}' has id {p.Value}; expected a non-negative integer.");
            vocab[p.Name] = id;
        }
        return vocab;
    }
}

/// <summary>Whole-word lookup with an unknown token (WordLevel).</summary>
internal sealed class WordLevelModel(Dictionary<string, int> vocab, int? unk) : SubwordModel
{
    public static new WordLevelModel FromJson(JsonElement e, string source)
    {
        var vocab = ReadVocab(e, "WordLevel", source);
        string? unk = JsonFields.OptionalString(e, "unk_token");
        return new WordLevelModel(vocab, unk is not null && vocab.TryGetValue(unk, out int u) ? u : null);
    }

    public override int VocabSize { get; } = vocab.Count == 0 ? 0 : vocab.Values.Max() + 1;
    public override int? TokenToId(string token) => vocab.TryGetValue(token, out int id) ? id : null;

    public override void Tokenize(string word, List<int> ids)
    {
        if (vocab.TryGetValue(word, out int id)) ids.Add(id);
        else ids.Add(unk ?? throw new InvalidOperationException($"WordLevel: '{word}' is not in the vocabulary and the model has no unk_token."));
    }
}
