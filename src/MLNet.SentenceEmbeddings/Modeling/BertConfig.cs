using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of a BERT-family encoder, read from and written to a Hugging Face <c>config.json</c>.
/// Defaults are BERT-base's (Devlin et al. 2019); MiniLM and Arctic-embed-xs override them in their config.
/// </summary>
public sealed record BertConfig : IBertLayerSizes
{
    public int VocabSize { get; init; } = 30522;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    /// <summary>Only "gelu" (erf form, as BERT) and "gelu_new"/"gelu_pytorch_tanh" (tanh approximation) and "relu" are supported.</summary>
    public string HiddenAct { get; init; } = "gelu";
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    public int PadTokenId { get; init; }
    public string ModelType { get; init; } = "bert";

    /// <summary>Width of one attention head; the heads must divide the hidden size.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

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
        // Sizes are capped (BertLayerSizes) before anything is built from them: a hostile config must not make the
        // encoder allocate terabytes.
        var config = new BertConfig
        {
            VocabSize = json.Size("vocab_size", d.VocabSize, BertLayerSizes.MaxVocabSize),
            HiddenSize = json.Size("hidden_size", d.HiddenSize, BertLayerSizes.MaxHiddenSize),
            NumHiddenLayers = json.Size("num_hidden_layers", d.NumHiddenLayers, BertLayerSizes.MaxLayers),
            NumAttentionHeads = json.Size("num_attention_heads", d.NumAttentionHeads, BertLayerSizes.MaxHiddenSize),
            IntermediateSize = json.Size("intermediate_size", d.IntermediateSize, BertLayerSizes.MaxIntermediateSize),
            HiddenAct = json.GetString("hidden_act") ?? d.HiddenAct,
            HiddenDropoutProb = json.Probability("hidden_dropout_prob", d.HiddenDropoutProb),
            AttentionProbsDropoutProb = json.Probability("attention_probs_dropout_prob", d.AttentionProbsDropoutProb),
            MaxPositionEmbeddings = json.Size("max_position_embeddings", d.MaxPositionEmbeddings, BertLayerSizes.MaxPositions),
            TypeVocabSize = json.Size("type_vocab_size", d.TypeVocabSize, BertLayerSizes.MaxTypeVocabSize),
            LayerNormEps = json.LayerNormEps(d.LayerNormEps),
            PadTokenId = json.GetInt32("pad_token_id") ?? d.PadTokenId,
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
    public JsonObject ToJson() => new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["model_type"] = "bert",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["intermediate_size"] = IntermediateSize,
            ["hidden_act"] = HiddenAct,
            ["hidden_dropout_prob"] = HiddenDropoutProb,
            ["attention_probs_dropout_prob"] = AttentionProbsDropoutProb,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["type_vocab_size"] = TypeVocabSize,
            ["layer_norm_eps"] = LayerNormEps,
            ["pad_token_id"] = PadTokenId,
            ["position_embedding_type"] = "absolute",
        };
}
