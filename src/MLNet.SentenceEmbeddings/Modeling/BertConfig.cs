using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of a BERT encoder, read from and written to a Hugging Face <c>config.json</c>: the shared keys
/// (<see cref="BertFamilyConfig"/>) plus token types. Defaults are BERT-base's (Devlin et al. 2019); MiniLM and
/// Arctic-embed-xs override them in their config.
/// </summary>
public sealed record BertConfig : BertFamilyConfig
{
    public int TypeVocabSize { get; init; } = 2;
    public string ModelType { get; init; } = "bert";

    /// <summary>Throws when the values cannot describe a working encoder.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(VocabSize > 0, $"vocab_size must be positive, got {VocabSize}.");
        this.ValidateLayers(source);
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings must be positive, got {MaxPositionEmbeddings}.");
        Require(TypeVocabSize > 0, $"type_vocab_size must be positive, got {TypeVocabSize}.");
    }

    /// <summary>Reads a Hugging Face <c>config.json</c>; missing keys keep BERT-base defaults.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// Not JSON, a value of the wrong type or beyond the sizes below, or values that cannot describe a BERT encoder; the
    /// message names the file and the key.
    /// </exception>
    public static BertConfig Load(string path)
    {
        return FromConfig(JsonConfigFile.Read(path));
    }

    /// <summary>Reads the keys of a parsed config.json; <paramref name="path"/> names the file in errors.</summary>
    public static BertConfig FromJson(JsonObject json, string path) => FromConfig(JsonConfigFile.Of(json, path));

    private static BertConfig FromConfig(JsonConfigFile json)
    {
        string path = json.Path;
        var d = new BertConfig();
        var config = WithSharedKeys(json, d) with
        {
            TypeVocabSize = json.Size("type_vocab_size", d.TypeVocabSize, BertLayerSizes.MaxTypeVocabSize),
            ModelType = json.GetString("model_type") ?? d.ModelType,
        };
        if (config.PadTokenId < 0 || config.PadTokenId >= config.VocabSize)
            throw json.Error("pad_token_id", $"must be a token id in 0..{config.VocabSize - 1} (vocab_size), got {config.PadTokenId}.");
        string type = config.ModelType;
        if (type is not ("bert" or "minilm"))
            throw new InvalidDataException($"{path}: model_type '{type}' is not a BERT-family encoder (expected \"bert\").");
        config.Validate(path);
        return config;
    }

    /// <summary>Writes the keys Hugging Face's BertConfig reads (whole or not at all).</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The config.json content Hugging Face's BertConfig reads.</summary>
    public JsonObject ToJson()
    {
        var json = SharedKeys("BertModel", "bert");
        json["type_vocab_size"] = TypeVocabSize;
        json["position_embedding_type"] = "absolute";
        return json;
    }
}
