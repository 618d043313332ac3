// An MPNet encoder (Song et al. 2020) in TorchSharp, laid out like Hugging Face's modeling_mpnet.py: RoBERTa-style
// embeddings without token types, post-LN layers whose attention scores get a learned bias per head and
// relative-distance bucket (T5-style buckets, shared by all layers: encoder.relative_attention_bias).
// Shapes: B = batch, T = tokens, H = hidden size, nh = heads, hs = head size.
#pragma warning disable IDE1006 // field names must match checkpoint keys (LayerNorm, q, o, ...)
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Word + position embeddings (positions after the padding index, as RoBERTa), LayerNorm and dropout.</summary>
internal sealed class MPNetEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public MPNetEmbeddings(MPNetConfig c) : base(nameof(MPNetEmbeddings))
    {
        word_embeddings = nn.Embedding(c.VocabSize, c.HiddenSize, padding_idx: MPNetConfig.PaddingIdx);
        position_embeddings = nn.Embedding(c.MaxPositionEmbeddings, c.HiddenSize, padding_idx: MPNetConfig.PaddingIdx);
        LayerNorm = nn.LayerNorm(c.HiddenSize, eps: c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <returns>(B, T, H).</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var positions = RobertaEmbeddings.PositionIds(attentionMask, MPNetConfig.PaddingIdx); // (B, T)
        var x = word_embeddings.forward(inputIds) + position_embeddings.forward(positions);
        return dropout.forward(LayerNorm.forward(x)).MoveToOuterDisposeScope();
    }

    public Tensor WordEmbeddingWeight => word_embeddings.weight!;
}

/// <summary>Multi-head self-attention whose scores carry an additive (relative position + padding) bias; q, k, v, o projections.</summary>
internal sealed class MPNetSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear q;
    private readonly Linear k;
    private readonly Linear v;
    private readonly Linear o;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _attentionDropout;

    public MPNetSelfAttention(MPNetConfig c) : base(nameof(MPNetSelfAttention))
    {
        _heads = c.NumAttentionHeads;
        _headSize = c.HeadSize;
        _attentionDropout = c.AttentionProbsDropoutProb;
        q = nn.Linear(c.HiddenSize, c.HiddenSize);
        k = nn.Linear(c.HiddenSize, c.HiddenSize);
        v = nn.Linear(c.HiddenSize, c.HiddenSize);
        o = nn.Linear(c.HiddenSize, c.HiddenSize);
        RegisterComponents();
    }

    /// <param name="x">(B, T, H).</param>
    /// <param name="scoreBias">(B, nh, T, T) float, added to q·k/sqrt(hs) before the softmax (very negative at padded keys).</param>
    /// <returns>(B, T, H), projected by o.</returns>
    public override Tensor forward(Tensor x, Tensor scoreBias)
    {
        // A float attn_mask is added to the scaled scores, which is exactly MPNet's scores + position_bias + mask.
        using var context = MultiHeadAttention.Context(x, q, k, v, scoreBias, _heads, _headSize, training ? _attentionDropout : 0.0);
        return o.forward(context);
    }
}

/// <summary>Attention, dropout, residual and post-LayerNorm (keys attention.attn.* and attention.LayerNorm.*).</summary>
internal sealed class MPNetAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly MPNetSelfAttention attn;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public MPNetAttention(MPNetConfig c) : base(nameof(MPNetAttention))
    {
        attn = new MPNetSelfAttention(c);
        LayerNorm = nn.LayerNorm(c.HiddenSize, eps: c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropoutProb);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor scoreBias)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(attn.forward(x, scoreBias)) + x).MoveToOuterDisposeScope();
    }
}

/// <summary>One layer: attention, then BERT's feed-forward block (intermediate.dense, output.dense/LayerNorm).</summary>
internal sealed class MPNetLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly MPNetAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public MPNetLayer(MPNetConfig c) : base(nameof(MPNetLayer))
    {
        var sizes = c.LayerConfig();
        attention = new MPNetAttention(c);
        intermediate = new BertIntermediate(sizes);
        output = new BertResidualOutput(c.IntermediateSize, sizes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor scoreBias)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(x, scoreBias);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}

/// <summary>The layer stack and the relative position bias all its layers share.</summary>
internal sealed class MPNetEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<MPNetLayer> layer;
    private readonly Embedding relative_attention_bias;

    public MPNetEncoder(MPNetConfig c) : base(nameof(MPNetEncoder))
    {
        layer = new ModuleList<MPNetLayer>(Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new MPNetLayer(c)).ToArray());
        relative_attention_bias = nn.Embedding(c.RelativeAttentionNumBuckets, c.NumAttentionHeads);
        RegisterComponents();
    }

    /// <summary>
    /// The bucket of each relative distance (key position minus query position), as in MPNet (and T5, Raffel et al.
    /// 2020): half of the buckets for keys before the query, half for keys after; in each half, distances below a
    /// quarter of the buckets get one bucket each, longer ones share logarithmically wider buckets up to
    /// <paramref name="maxDistance"/>, beyond which everything falls into the last one. The logarithm is taken in float32
    /// in Hugging Face's order of operations, so distances on a bucket boundary land where they land there.
    /// </summary>
    /// <param name="relativePosition">int64 key - query distances, any shape.</param>
    /// <param name="numBuckets">Buckets in all (both directions).</param>
    /// <param name="maxDistance">Distance from which the last bucket of a direction applies.</param>
    /// <returns>int64 buckets in [0, numBuckets), the shape of <paramref name="relativePosition"/>.</returns>
    internal static Tensor RelativePositionBucket(Tensor relativePosition, int numBuckets = MPNetConfig.RelativeBuckets,
        int maxDistance = MPNetConfig.RelativeMaxDistance)
    {
        using var scope = NewDisposeScope();
        int half = numBuckets / 2;
        int maxExact = half / 2;
        var n = -relativePosition;                                  // > 0 when the key precedes the query
        var ret = n.lt(0).to_type(ScalarType.Int64) * half;         // keys after the query: upper half
        n = n.abs();
        var isSmall = n.lt(maxExact);
        // Clamped below at maxExact only to keep log() finite where the exact bucket is taken anyway.
        var scaled = (n.clamp_min(maxExact).to_type(ScalarType.Float32) / maxExact).log()
                     / Math.Log((double)maxDistance / maxExact) * (half - maxExact);
        var large = (scaled.to_type(ScalarType.Int64) + maxExact).clamp_max(half - 1);
        return (ret + where(isSmall, n, large)).MoveToOuterDisposeScope();
    }

    /// <summary>(1, nh, T, T) bias of head h for query i and key j: relative_attention_bias[bucket(j - i), h].</summary>
    private Tensor PositionBias(long t, Device device)
    {
        using var scope = NewDisposeScope();
        var positions = arange(t, dtype: ScalarType.Int64, device: device);
        var relative = positions.unsqueeze(0) - positions.unsqueeze(1);           // (T, T): [i, j] = j - i
        var buckets = RelativePositionBucket(relative);                           // (T, T)
        return relative_attention_bias.forward(buckets).permute(2, 0, 1).unsqueeze(0).MoveToOuterDisposeScope(); // (1, nh, T, T)
    }

    /// <summary>
    /// (B, nh, T, T): the position bias, replaced by the dtype's lowest finite value at padded keys (Hugging Face adds
    /// that value instead; the softmax gives those keys zero weight either way). Replacing, not multiplying a 0/1 mask by
    /// it, keeps bfloat16 free of 0 * -inf.
    /// </summary>
    private Tensor ScoreBias(long t, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var bias = PositionBias(t, attentionMask.device);                                          // (1, nh, T, T)
        var padded = attentionMask.to_type(ScalarType.Bool).logical_not().unsqueeze(1).unsqueeze(2); // (B, 1, 1, T)
        return bias.masked_fill(padded, finfo(bias.dtype).min).MoveToOuterDisposeScope();             // (B, nh, T, T)
    }

    /// <param name="x">(B, T, H) embeddings.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <returns>(B, T, H).</returns>
    public override Tensor forward(Tensor x, Tensor attentionMask) => Run(x, attentionMask, null);

    /// <summary>The same, also listing <paramref name="x"/> and each layer's output in <paramref name="hiddenStates"/>.</summary>
    public Tensor Run(Tensor x, Tensor attentionMask, List<Tensor>? hiddenStates)
    {
        using var scoreBias = ScoreBias(x.shape[1], attentionMask);
        return LayerStack.Run(x, layer, scoreBias, hiddenStates);
    }

    public int Count => layer.Count;
}

/// <summary>
/// The MPNet encoder (<c>model_type</c> "mpnet", e.g. all-mpnet-base-v2): token ids in, contextual token vectors out,
/// no pooler. Token type ids are ignored (MPNet has none). Checkpoints of MPNetForX carry an "mpnet." prefix, which is
/// removed.
/// </summary>
public sealed class MPNetModel : TransformerModel
{
    private const string Prefix = "mpnet.";
    // The tanh pooler (not the sentence embedding, SBERT Section 3), the MLM head and older transformers' buffers.
    private static readonly string[] IgnoredPrefixes = { "pooler.", "lm_head.", "embeddings.position_ids" };

    private readonly MPNetEmbeddings embeddings;
    private readonly MPNetEncoder encoder;

    public MPNetModel(MPNetConfig config) : base(nameof(MPNetModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("MPNetConfig");
        Config = config;
        embeddings = new MPNetEmbeddings(config);
        encoder = new MPNetEncoder(config);
        RegisterComponents();
    }

    public MPNetConfig Config { get; }

    public override string ModelType => "mpnet";
    public override int HiddenSize => Config.HiddenSize;
    public override int VocabSize => Config.VocabSize;
    public override int MaxSequenceLength => Config.MaxSequenceLength;
    public override bool UsesTokenTypes => false;
    public override double HiddenDropout => Config.HiddenDropoutProb;
    public override Tensor WordEmbeddingWeight => embeddings.WordEmbeddingWeight;
    public override JsonObject ToConfigJson() => Config.ToJson();

    public override string? MapCheckpointKey(string key)
    {
        return MapPrefixedKey(key, Prefix, IgnoredPrefixes);
    }

    public override int LayerCount => encoder.Count;

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="tokenTypeIds">Ignored: MPNet has no token types.</param>
    /// <param name="attentionMask">(B, T) int64 or bool, 1 for real tokens and 0 for padding.</param>
    /// <returns>(B, T, H).</returns>
    /// <param name="hiddenStates">Receives every hidden state when given (<see cref="TransformerModel.HiddenStates"/>).</param>
    protected override Tensor Encode(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var h = embeddings.forward(inputIds, attentionMask);
        return KeepOutside(encoder.Run(h, attentionMask, hiddenStates), hiddenStates);
    }
}
