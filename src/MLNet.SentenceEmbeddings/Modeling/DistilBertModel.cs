// A DistilBERT encoder (Sanh et al. 2019) in TorchSharp, laid out like Hugging Face's modeling_distilbert.py:
// word + position embeddings (no token types), then N post-LN blocks. Field names equal the checkpoint keys
// (embeddings.word_embeddings.weight, transformer.layer.0.attention.q_lin.weight, ...).
// Shapes: B = batch, T = tokens, H = dim, nh = heads, hs = head size.
#pragma warning disable IDE1006 // field names must match checkpoint keys (LayerNorm, q_lin, ...)
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Word + position embeddings, LayerNorm and dropout (DistilBERT has no token types).</summary>
internal sealed class DistilBertEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public DistilBertEmbeddings(DistilBertConfig c) : base(nameof(DistilBertEmbeddings))
    {
        word_embeddings = nn.Embedding(c.VocabSize, c.Dim, padding_idx: c.PadTokenId);
        position_embeddings = nn.Embedding(c.MaxPositionEmbeddings, c.Dim);
        LayerNorm = nn.LayerNorm(c.Dim, eps: DistilBertConfig.LayerNormEps);
        dropout = nn.Dropout(c.Dropout);
        RegisterComponents();
        if (c.SinusoidalPosEmbds)
        {
            // A fixed table, as Hugging Face builds it: the checkpoint stores it, but training must not move it.
            using (no_grad())
            using (var table = Sinusoids(c.MaxPositionEmbeddings, c.Dim))
                position_embeddings.weight!.copy_(table);
            position_embeddings.weight!.requires_grad = false;
        }
    }

    /// <summary>The (P, H) sine/cosine table: even columns sin(pos / 10000^(2(j/2)/H)), odd columns cos of the same.</summary>
    internal static Tensor Sinusoids(int positions, int dim)
    {
        var values = new float[(long)positions * dim];
        for (int pos = 0; pos < positions; pos++)
            for (int j = 0; j < dim; j++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dim);
                values[(long)pos * dim + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        return tensor(values, new long[] { positions, dim });
    }

    /// <param name="inputIds">(B, T) int64.</param>
    /// <returns>(B, T, H).</returns>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        var positions = arange(t, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0); // (1, T)
        var x = word_embeddings.forward(inputIds) + position_embeddings.forward(positions);
        return dropout.forward(LayerNorm.forward(x)).MoveToOuterDisposeScope();
    }

    public Tensor WordEmbeddingWeight => word_embeddings.weight!;
}

/// <summary>Multi-head self-attention with its output projection (Hugging Face's MultiHeadSelfAttention).</summary>
internal sealed class DistilBertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear q_lin;
    private readonly Linear k_lin;
    private readonly Linear v_lin;
    private readonly Linear out_lin;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _attentionDropout;

    public DistilBertSelfAttention(DistilBertConfig c) : base(nameof(DistilBertSelfAttention))
    {
        _heads = c.NHeads;
        _headSize = c.HeadSize;
        _attentionDropout = c.AttentionDropout;
        q_lin = nn.Linear(c.Dim, c.Dim);
        k_lin = nn.Linear(c.Dim, c.Dim);
        v_lin = nn.Linear(c.Dim, c.Dim);
        out_lin = nn.Linear(c.Dim, c.Dim);
        RegisterComponents();
    }

    /// <param name="x">(B, T, H).</param>
    /// <param name="mask">(B, 1, 1, T) bool, true where a key may be attended to.</param>
    /// <returns>(B, T, H), projected by out_lin (no dropout here: DistilBERT has none before the residual).</returns>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var context = MultiHeadAttention.Context(x, q_lin, k_lin, v_lin, mask, _heads, _headSize, training ? _attentionDropout : 0.0);
        return out_lin.forward(context);
    }
}

/// <summary>The feed-forward block: lin1, activation, lin2, dropout (Hugging Face's FFN).</summary>
internal sealed class DistilBertFeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Linear lin1;
    private readonly Linear lin2;
    private readonly Dropout dropout;
    private readonly string _activation;

    public DistilBertFeedForward(DistilBertConfig c) : base(nameof(DistilBertFeedForward))
    {
        lin1 = nn.Linear(c.Dim, c.HiddenDim);
        lin2 = nn.Linear(c.HiddenDim, c.Dim);
        dropout = nn.Dropout(c.Dropout);
        _activation = c.Activation;
        RegisterComponents();
    }

    /// <param name="x">(B, T, H).</param>
    /// <returns>(B, T, H).</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return dropout.forward(lin2.forward(Activations.Apply(_activation, lin1.forward(x)))).MoveToOuterDisposeScope();
    }
}

/// <summary>One block: attention, residual, sa_layer_norm; feed-forward, residual, output_layer_norm (post-LN).</summary>
internal sealed class DistilBertBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly DistilBertSelfAttention attention;
    private readonly LayerNorm sa_layer_norm;
    private readonly DistilBertFeedForward ffn;
    private readonly LayerNorm output_layer_norm;

    public DistilBertBlock(DistilBertConfig c) : base(nameof(DistilBertBlock))
    {
        attention = new DistilBertSelfAttention(c);
        sa_layer_norm = nn.LayerNorm(c.Dim, eps: DistilBertConfig.LayerNormEps);
        ffn = new DistilBertFeedForward(c);
        output_layer_norm = nn.LayerNorm(c.Dim, eps: DistilBertConfig.LayerNormEps);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = sa_layer_norm.forward(attention.forward(x, mask) + x); // (B, T, H)
        return output_layer_norm.forward(ffn.forward(attended) + attended).MoveToOuterDisposeScope();
    }
}

/// <summary>The block stack (Hugging Face's Transformer: keys transformer.layer.N.*).</summary>
internal sealed class DistilBertTransformer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<DistilBertBlock> layer;

    public DistilBertTransformer(DistilBertConfig c) : base(nameof(DistilBertTransformer))
    {
        layer = new ModuleList<DistilBertBlock>(Enumerable.Range(0, c.NLayers).Select(_ => new DistilBertBlock(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask) => LayerStack.Run(x, layer, mask);

    /// <summary>The same, also listing <paramref name="x"/> and each layer's output in <paramref name="hiddenStates"/>.</summary>
    public Tensor Run(Tensor x, Tensor mask, List<Tensor>? hiddenStates) => LayerStack.Run(x, layer, mask, hiddenStates);

    public int Count => layer.Count;
}

/// <summary>
/// The DistilBERT encoder: token ids in, contextual token vectors out. Token type ids are ignored (the model has no
/// segment embeddings); checkpoints of DistilBertForX carry a "distilbert." prefix, which is removed.
/// </summary>
public sealed class DistilBertModel : TransformerModel
{
    private const string Prefix = "distilbert.";
    // Keys of DistilBertForMaskedLM's head and older transformers' position_ids buffer: not part of the encoder.
    private static readonly string[] IgnoredPrefixes = { "vocab_transform.", "vocab_layer_norm.", "vocab_projector.", "embeddings.position_ids" };

    private readonly DistilBertEmbeddings embeddings;
    private readonly DistilBertTransformer transformer;

    public DistilBertModel(DistilBertConfig config) : base(nameof(DistilBertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("DistilBertConfig");
        Config = config;
        embeddings = new DistilBertEmbeddings(config);
        transformer = new DistilBertTransformer(config);
        RegisterComponents();
    }

    public DistilBertConfig Config { get; }

    public override string ModelType => "distilbert";
    public override int HiddenSize => Config.Dim;
    public override int VocabSize => Config.VocabSize;
    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;
    public override bool UsesTokenTypes => false;
    public override double HiddenDropout => Config.Dropout;
    public override Tensor WordEmbeddingWeight => embeddings.WordEmbeddingWeight;
    public override JsonObject ToConfigJson() => Config.ToJson();

    public override string? MapCheckpointKey(string key)
    {
        return MapPrefixedKey(key, Prefix, IgnoredPrefixes);
    }

    public override int LayerCount => transformer.Count;

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="tokenTypeIds">Ignored: DistilBERT has no token types.</param>
    /// <param name="attentionMask">(B, T) int64 or bool, 1 for real tokens and 0 for padding.</param>
    /// <returns>(B, T, H).</returns>
    /// <param name="hiddenStates">Receives every hidden state when given (<see cref="TransformerModel.HiddenStates"/>).</param>
    protected override Tensor Encode(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var keyMask = MultiHeadAttention.KeyMask(attentionMask); // (B, 1, 1, T)
        return KeepOutside(transformer.Run(embeddings.forward(inputIds), keyMask, hiddenStates), hiddenStates);
    }
}
