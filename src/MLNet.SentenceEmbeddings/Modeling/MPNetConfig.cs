using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of an MPNet encoder (Song et al. 2020), read from and written to a Hugging Face <c>config.json</c>:
/// BERT's keys without token types, plus the number of relative-position buckets. Defaults are Hugging Face's MPNetConfig
/// (mpnet-base). Position ids follow RoBERTa's rule with Hugging Face's fixed padding index 1 (see <see cref="PaddingIdx"/>).
/// </summary>
public sealed record MPNetConfig : IBertLayerSizes
{
    public int VocabSize { get; init; } = 30527;
    public int HiddenSize { get; init; } = 768;
    public int NumHiddenLayers { get; init; } = 12;
    public int NumAttentionHeads { get; init; } = 12;
    public int IntermediateSize { get; init; } = 3072;
    public string HiddenAct { get; init; } = "gelu";
    public double HiddenDropoutProb { get; init; } = 0.1;
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    public int MaxPositionEmbeddings { get; init; } = 512;
    public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>Rows of encoder.relative_attention_bias (32 in every published model; see <see cref="RelativeBuckets"/>).</summary>
    public int RelativeAttentionNumBuckets { get; init; } = 32;
    /// <summary>Written back to config.json; the model's padding index is <see cref="PaddingIdx"/>, not this value.</summary>
    public int PadTokenId { get; init; } = 1;

    /// <summary>
    /// The padding index of the position table: Hugging Face's MPNetEmbeddings fixes it at 1 whatever pad_token_id says
    /// (1 in every MPNet vocabulary), so real tokens take positions 2, 3, ...
    /// </summary>
    public const int PaddingIdx = 1;

    /// <summary>
    /// How many buckets relative distances fall into: Hugging Face's compute_position_bias uses 32 whatever
    /// relative_attention_num_buckets says (the two agree in every published model), and so do we.
    /// </summary>
    public const int RelativeBuckets = 32;

    /// <summary>Distances from this one on share the last bucket of their direction (MPNet's max_distance).</summary>
    public const int RelativeMaxDistance = 128;

    /// <summary>Longest input the position table allows.</summary>
    public int MaxSequenceLength => MaxPositionEmbeddings - PaddingIdx - 1;

    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Throws when the values cannot describe a working encoder.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(VocabSize > PaddingIdx, $"vocab_size must exceed the padding index {PaddingIdx}, got {VocabSize}.");
        this.ValidateLayers(source);
        Require(MaxSequenceLength > 0,
            $"max_position_embeddings ({MaxPositionEmbeddings}) leaves no position after the padding index {PaddingIdx}.");
        Require(RelativeAttentionNumBuckets >= RelativeBuckets,
            $"relative_attention_num_buckets must be at least {RelativeBuckets} (the buckets MPNet uses), got {RelativeAttentionNumBuckets}.");
    }

    /// <summary>Reads the keys of a parsed config.json; missing keys keep mpnet-base defaults.</summary>
    /// <param name="json">The parsed config.json.</param>
    /// <param name="path">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">model_type is not mpnet, or a value is invalid.</exception>
    public static MPNetConfig FromJson(JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        string type = JsonConfigFile.ModelType(json, "mpnet", path);
        if (type != "mpnet") throw new InvalidDataException($"{path}: model_type '{type}' is not MPNet (expected \"mpnet\").");
        var d = new MPNetConfig();
        var file = JsonConfigFile.Of(json, path);
        // Sizes are capped as BERT's are (BertLayerSizes): a hostile config must not make the encoder allocate terabytes.
        var config = new MPNetConfig
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
            RelativeAttentionNumBuckets = file.GetInt32("relative_attention_num_buckets") ?? d.RelativeAttentionNumBuckets,
            PadTokenId = file.GetInt32("pad_token_id") ?? d.PadTokenId,
        };
        config.Validate(path);
        return config;
    }

    /// <summary>The config.json content Hugging Face's MPNetConfig reads.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("MPNetModel"),
        ["model_type"] = "mpnet",
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
        ["relative_attention_num_buckets"] = RelativeAttentionNumBuckets,
        ["pad_token_id"] = PadTokenId,
    };
}
