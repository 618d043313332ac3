using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of a RoBERTa (Liu et al. 2019) or XLM-RoBERTa (Conneau et al. 2020) encoder, read from and written
/// to a Hugging Face <c>config.json</c>. The keys are BERT's; what differs is the position rule (positions start after
/// the padding index, so <see cref="MaxSequenceLength"/> is max_position_embeddings - pad_token_id - 1) and the defaults,
/// which are Hugging Face's RobertaConfig / XLMRobertaConfig ones (published checkpoints set every key themselves).
/// </summary>
public sealed record RobertaConfig : IBertLayerSizes
{
    public string ModelType { get; init; } = "roberta";
    public int VocabSize { get; init; } = 50265;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public string HiddenAct { get; init; } = "gelu";
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public int MaxPositionEmbeddings { get; init; } = 512;
    /// <summary>Rows of token_type_embeddings (1 in published RoBERTa checkpoints); only row 0 is ever used.</summary>
    public int TypeVocabSize { get; init; } = 2;
    public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>The padding index: pads get this position, real tokens pad_token_id + 1, + 2, ...</summary>
    public int PadTokenId { get; init; } = 1;

    /// <summary>Longest input the position table allows.</summary>
    public int MaxSequenceLength => MaxPositionEmbeddings - PadTokenId - 1;

    /// <summary>Throws when the values cannot describe a working encoder.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(ModelType is "roberta" or "xlm-roberta", $"model_type '{ModelType}' is not RoBERTa (expected \"roberta\" or \"xlm-roberta\").");
        Require(VocabSize > 0, $"vocab_size must be positive, got {VocabSize}.");
        this.ValidateLayers(source);
        Require(TypeVocabSize > 0, $"type_vocab_size must be positive, got {TypeVocabSize}.");
        Require(PadTokenId >= 0 && PadTokenId < VocabSize, $"pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}.");
        Require(MaxSequenceLength > 0,
            $"max_position_embeddings ({MaxPositionEmbeddings}) leaves no position after the padding index {PadTokenId}.");
    }

    /// <summary>Reads the keys of a parsed config.json; missing keys keep Hugging Face's defaults for its model_type.</summary>
    /// <param name="json">The parsed config.json.</param>
    /// <param name="path">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">model_type is not roberta or xlm-roberta, or a value is invalid.</exception>
    public static RobertaConfig FromJson(JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        string type = JsonConfigFile.ModelType(json, "roberta", path);
        // XLMRobertaConfig's default vocabulary is BERT's size, RobertaConfig's the GPT-2 BPE size.
        var d = new RobertaConfig { VocabSize = type == "xlm-roberta" ? 30522 : 50265 };
        var file = JsonConfigFile.Of(json, path);
        // Sizes are capped as BERT's are (BertLayerSizes): a hostile config must not make the encoder allocate terabytes.
        var config = new RobertaConfig
        {
            ModelType = type,
            VocabSize = file.Size("vocab_size", d.VocabSize, BertLayerSizes.MaxVocabSize),
            HiddenSize = file.Size("hidden_size", d.HiddenSize, BertLayerSizes.MaxHiddenSize),
            NumHiddenLayers = file.Size("num_hidden_layers", d.NumHiddenLayers, BertLayerSizes.MaxLayers),
            NumAttentionHeads = file.Size("num_attention_heads", d.NumAttentionHeads, BertLayerSizes.MaxHiddenSize),
            IntermediateSize = file.Size("intermediate_size", d.IntermediateSize, BertLayerSizes.MaxIntermediateSize),
            HiddenAct = file.GetString("hidden_act") ?? d.HiddenAct,
            HiddenDropoutProb = file.Probability("hidden_dropout_prob", d.HiddenDropoutProb),
            AttentionProbsDropoutProb = file.Probability("attention_probs_dropout_prob", d.AttentionProbsDropoutProb),
            MaxPositionEmbeddings = file.Size("max_position_embeddings", d.MaxPositionEmbeddings, BertLayerSizes.MaxPositions),
            TypeVocabSize = file.Size("type_vocab_size", d.TypeVocabSize, BertLayerSizes.MaxTypeVocabSize),
            LayerNormEps = file.LayerNormEps(d.LayerNormEps),
            PadTokenId = file.GetInt32("pad_token_id") ?? d.PadTokenId,
        };
        config.Validate(path);
        return config;
    }

    /// <summary>The config.json content Hugging Face's RobertaConfig / XLMRobertaConfig reads.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray(ModelType == "xlm-roberta" ? "XLMRobertaModel" : "RobertaModel"),
        ["model_type"] = ModelType,
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
