using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// The config.json keys BERT, RoBERTa and MPNet share key for key: the sizes of BERT's transformer layers, the position
/// table and the padding id. Defaults are BERT-base's (Devlin et al. 2019); each architecture's record overrides those
/// Hugging Face gives it other defaults for, and adds its own keys.
/// </summary>
public abstract record BertFamilyConfig
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
    public double LayerNormEps { get; init; } = 1e-12;
    public int PadTokenId { get; init; }

    /// <summary>Width of one attention head; the heads must divide the hidden size.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>
    /// <paramref name="defaults"/> with every shared key the file sets; sizes are capped (<see cref="BertLayerSizes"/>)
    /// before anything is built from them, so a hostile config cannot make the encoder allocate terabytes.
    /// </summary>
    private protected static T WithSharedKeys<T>(JsonConfigFile file, T defaults) where T : BertFamilyConfig
    {
        BertFamilyConfig d = defaults;
        return (T)(d with
        {
            VocabSize = file.Size("vocab_size", d.VocabSize, BertLayerSizes.MaxVocabSize),
            HiddenSize = file.Size("hidden_size", d.HiddenSize, BertLayerSizes.MaxHiddenSize),
            NumHiddenLayers = file.Size("num_hidden_layers", d.NumHiddenLayers, BertLayerSizes.MaxLayers),
            NumAttentionHeads = file.Size("num_attention_heads", d.NumAttentionHeads, BertLayerSizes.MaxHiddenSize),
            IntermediateSize = file.Size("intermediate_size", d.IntermediateSize, BertLayerSizes.MaxIntermediateSize),
            HiddenAct = file.GetString("hidden_act") ?? d.HiddenAct,
            HiddenDropoutProb = file.Probability("hidden_dropout_prob", d.HiddenDropoutProb),
            AttentionProbsDropoutProb = file.Probability("attention_probs_dropout_prob", d.AttentionProbsDropoutProb),
            MaxPositionEmbeddings = file.Size("max_position_embeddings", d.MaxPositionEmbeddings, BertLayerSizes.MaxPositions),
            LayerNormEps = file.LayerNormEps(d.LayerNormEps),
            PadTokenId = file.GetInt32("pad_token_id") ?? d.PadTokenId,
        });
    }

    /// <summary>The shared keys as Hugging Face writes them, under <paramref name="architecture"/> and <paramref name="modelType"/>.</summary>
    private protected JsonObject SharedKeys(string architecture, string modelType) => new()
    {
        ["architectures"] = new JsonArray(architecture),
        ["model_type"] = modelType,
        ["vocab_size"] = VocabSize,
        ["hidden_size"] = HiddenSize,
        ["num_hidden_layers"] = NumHiddenLayers,
        ["num_attention_heads"] = NumAttentionHeads,
        ["intermediate_size"] = IntermediateSize,
        ["hidden_act"] = HiddenAct,
        ["hidden_dropout_prob"] = HiddenDropoutProb,
        ["attention_probs_dropout_prob"] = AttentionProbsDropoutProb,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["layer_norm_eps"] = LayerNormEps,
        ["pad_token_id"] = PadTokenId,
    };
}
