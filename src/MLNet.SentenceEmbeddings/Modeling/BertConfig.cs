using System.Text.Json;
using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of a BERT-family encoder, read from and written to a Hugging Face <c>config.json</c>.
/// Defaults are BERT-base's (Devlin et al. 2019); MiniLM and Arctic-embed-xs override them in their config.
/// </summary>
public sealed record BertConfig
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
        Require(HiddenSize > 0 && NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0,
            $"hidden_size ({HiddenSize}) must be a positive multiple of num_attention_heads ({NumAttentionHeads}).");
        Require(NumHiddenLayers > 0, $"num_hidden_layers must be positive, got {NumHiddenLayers}.");
        Require(IntermediateSize > 0, $"intermediate_size must be positive, got {IntermediateSize}.");
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings must be positive, got {MaxPositionEmbeddings}.");
        Require(TypeVocabSize > 0, $"type_vocab_size must be positive, got {TypeVocabSize}.");
        Require(Activations.IsSupported(HiddenAct),
            $"hidden_act '{HiddenAct}' is not supported (expected {string.Join(", ", Activations.Supported)}).");
    }

    /// <summary>Reads a Hugging Face <c>config.json</c>; missing keys keep BERT-base defaults.</summary>
    public static BertConfig Load(string path)
    {
        return FromJson(ConfigJson.Parse(path), path);
    }

    /// <summary>Reads the keys of a parsed config.json; <paramref name="path"/> names the file in errors.</summary>
    public static BertConfig FromJson(JsonObject json, string path)
    {
        var d = new BertConfig();
        var config = new BertConfig
        {
            VocabSize = ConfigJson.Int(json, "vocab_size", d.VocabSize, path),
            HiddenSize = ConfigJson.Int(json, "hidden_size", d.HiddenSize, path),
            NumHiddenLayers = ConfigJson.Int(json, "num_hidden_layers", d.NumHiddenLayers, path),
            NumAttentionHeads = ConfigJson.Int(json, "num_attention_heads", d.NumAttentionHeads, path),
            IntermediateSize = ConfigJson.Int(json, "intermediate_size", d.IntermediateSize, path),
            HiddenAct = ConfigJson.String(json, "hidden_act", d.HiddenAct, path),
            HiddenDropoutProb = ConfigJson.Double(json, "hidden_dropout_prob", d.HiddenDropoutProb, path),
            AttentionProbsDropoutProb = ConfigJson.Double(json, "attention_probs_dropout_prob", d.AttentionProbsDropoutProb, path),
            MaxPositionEmbeddings = ConfigJson.Int(json, "max_position_embeddings", d.MaxPositionEmbeddings, path),
            TypeVocabSize = ConfigJson.Int(json, "type_vocab_size", d.TypeVocabSize, path),
            LayerNormEps = ConfigJson.Double(json, "layer_norm_eps", d.LayerNormEps, path),
            PadTokenId = ConfigJson.Int(json, "pad_token_id", d.PadTokenId, path),
            ModelType = ConfigJson.ModelType(json, d.ModelType, path),
        };
        string type = config.ModelType;
        if (type is not ("bert" or "minilm"))
            throw new InvalidDataException($"{path}: model_type '{type}' is not a BERT-family encoder (expected \"bert\").");
        config.Validate(path);
        return config;
    }

    /// <summary>Writes the keys Hugging Face's BertConfig reads.</summary>
    public void Save(string path) =>
        File.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

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
