// A BERT encoder (Devlin et al. 2019) in TorchSharp, written top to bottom like Hugging Face's modeling_bert.py:
// embeddings -> N post-LN transformer layers. Field names equal the Hugging Face checkpoint keys
// (embeddings.word_embeddings.weight, encoder.layer.0.attention.self.query.bias, ...), so a state dict maps 1:1.
// Shapes: B = batch, T = tokens, H = hidden size, nh = heads, hs = head size.
#pragma warning disable IDE1006 // field names must match checkpoint keys (LayerNorm, self, ...)
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Word + position + token-type embeddings, then LayerNorm and dropout.</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertEmbeddings(BertConfig c) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(c.VocabSize, c.HiddenSize, padding_idx: c.PadTokenId);
        position_embeddings = nn.Embedding(c.MaxPositionEmbeddings, c.HiddenSize);
        token_type_embeddings = nn.Embedding(c.TypeVocabSize, c.HiddenSize);
        LayerNorm = nn.LayerNorm(c.HiddenSize, eps: c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="inputIds">(B, T) int64 token ids.</param>
    /// <param name="tokenTypeIds">(B, T) int64 segment ids (0 for the first sentence, 1 for the second).</param>
    /// <returns>(B, T, H).</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds) =>
        forward(inputIds, tokenTypeIds, arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0));

    /// <param name="inputIds">(B, T) int64 token ids.</param>
    /// <param name="tokenTypeIds">(B, T) int64 segment ids.</param>
    /// <param name="positions">(B, T) or (1, T) int64 position ids.</param>
    /// <returns>(B, T, H).</returns>
    public Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor positions)
    {
        using var scope = NewDisposeScope();
        var x = word_embeddings.forward(inputIds) + position_embeddings.forward(positions) + token_type_embeddings.forward(tokenTypeIds);
        return dropout.forward(LayerNorm.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>The input token embedding table (V, H); the GloVe-like baseline averages its rows.</summary>
    public Tensor WordEmbeddingWeight => word_embeddings.weight!;
}

/// <summary>Multi-head self-attention: the query, key and value projections and scaled dot-product attention.</summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _attentionDropout;

    public BertSelfAttention(BertConfig c) : base(nameof(BertSelfAttention))
    {
        _heads = c.NumAttentionHeads;
        _headSize = c.HeadSize;
        _attentionDropout = c.AttentionProbsDropoutProb;
        query = nn.Linear(c.HiddenSize, c.HiddenSize);
        key = nn.Linear(c.HiddenSize, c.HiddenSize);
        value = nn.Linear(c.HiddenSize, c.HiddenSize);
        RegisterComponents();
    }

    /// <param name="x">(B, T, H).</param>
    /// <param name="mask">(B, 1, 1, T) bool, true where a key may be attended to.</param>
    /// <returns>(B, T, H) context vectors.</returns>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        return MultiHeadAttention.Context(x, query, key, value, mask, _heads, _headSize, training ? _attentionDropout : 0.0);
    }
}

/// <summary>
/// Projection back to the hidden size, dropout, residual and post-LayerNorm (BERT is post-LN). Serves both the
/// attention block (Hugging Face's BertSelfOutput, input = hidden size) and the feed-forward block (BertOutput,
/// input = intermediate size): the two differ only in their input width.
/// </summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertResidualOutput(int inputSize, BertConfig c) : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inputSize, c.HiddenSize);
        LayerNorm = nn.LayerNorm(c.HiddenSize, eps: c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, inputSize).</param>
    /// <param name="residual">(B, T, H), the block's input.</param>
    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(dense.forward(hidden)) + residual).MoveToOuterDisposeScope();
    }
}

public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertResidualOutput output;

    public BertAttention(BertConfig c) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(c);
        output = new BertResidualOutput(c.HiddenSize, c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var context = self.forward(x, mask);
        return output.forward(context, x);
    }
}

/// <summary>The feed-forward block's expansion to the intermediate size and its activation.</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly string _activation;

    public BertIntermediate(BertConfig c) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(c.HiddenSize, c.IntermediateSize);
        _activation = c.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var h = dense.forward(x);
        return Activations.Apply(_activation, h);
    }
}

/// <summary>One transformer layer: attention, then the feed-forward block.</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertResidualOutput output;

    public BertLayer(BertConfig c) : base(nameof(BertLayer))
    {
        attention = new BertAttention(c);
        intermediate = new BertIntermediate(c);
        output = new BertResidualOutput(c.IntermediateSize, c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(x, mask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}

public sealed class BertLayerStack : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertLayerStack(BertConfig c) : base(nameof(BertLayerStack))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, c.NumHiddenLayers).Select(_ => new BertLayer(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor mask) => LayerStack.Run(x, layer, mask);

    /// <summary>The same, also listing <paramref name="x"/> and each layer's output in <paramref name="hiddenStates"/>.</summary>
    public Tensor Run(Tensor x, Tensor mask, List<Tensor>? hiddenStates) => LayerStack.Run(x, layer, mask, hiddenStates);

    /// <summary>The same, each layer with the mask <paramref name="maskOfLayer"/> gives its index.</summary>
    public Tensor Run(Tensor x, Func<int, Tensor> maskOfLayer) => LayerStack.Run(x, layer, maskOfLayer);

    public int Count => layer.Count;
}

/// <summary>
/// The BERT encoder: token ids in, contextual token vectors out (no pooler: Sentence-BERT pools the token vectors
/// itself, paper Section 3).
/// </summary>
public sealed class BertModel : TransformerModel
{
    // Keys a BERT checkpoint may carry that a sentence encoder does not use: the tanh pooler (not the sentence
    // embedding, SBERT Section 3), MLM/NSP heads, and the position_ids buffer of older transformers versions.
    private static readonly string[] IgnoredPrefixes = { "pooler.", "cls.", "embeddings.position_ids" };

    private readonly BertEmbeddings embeddings;
    private readonly BertLayerStack encoder;

    public BertModel(BertConfig config) : base(nameof(BertModel))
    {
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertLayerStack(config);
        RegisterComponents();
    }

    public BertConfig Config { get; }

    public BertEmbeddings Embeddings => embeddings;

    public override string ModelType => "bert";
    public override int HiddenSize => Config.HiddenSize;
    public override int VocabSize => Config.VocabSize;
    public override int MaxSequenceLength => Config.MaxPositionEmbeddings;
    public override bool UsesTokenTypes => true;
    public override double HiddenDropout => Config.HiddenDropoutProb;
    public override Tensor WordEmbeddingWeight => embeddings.WordEmbeddingWeight;
    public override System.Text.Json.Nodes.JsonObject ToConfigJson() => Config.ToJson();

    /// <summary>Accepts BertForX checkpoints ("bert." prefix) and drops the pooler, MLM/NSP heads and position_ids.</summary>
    public override string? MapCheckpointKey(string key)
    {
        return MapPrefixedKey(key, "bert.", IgnoredPrefixes);
    }

    public override int LayerCount => encoder.Count;

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="tokenTypeIds">(B, T) int64.</param>
    /// <param name="attentionMask">(B, T) int64 or bool, 1 for real tokens and 0 for padding.</param>
    /// <returns>(B, T, H) token embeddings (the last layer's hidden states).</returns>
    /// <param name="hiddenStates">Receives every hidden state when given (<see cref="TransformerModel.HiddenStates"/>).</param>
    protected override Tensor Encode(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var keyMask = MultiHeadAttention.KeyMask(attentionMask); // (B, 1, 1, T)
        var h = embeddings.forward(inputIds, tokenTypeIds);
        return KeepOutside(encoder.Run(h, keyMask, hiddenStates), hiddenStates);
    }

    /// <summary>
    /// Encodes a pair "[CLS] a [SEP] b [SEP]" with its first <paramref name="separateLayers"/> layers reading each
    /// sentence alone (a token attends only to tokens of its own token type) and the layers after them the whole pair:
    /// a cross-encoder whose lower layers work as a bi-encoder's do, and whose upper layers compare (late interaction).
    /// The second sentence's positions restart at 0: with each sentence carrying its own special tokens ("[CLS] a [SEP]
    /// [CLS] b [SEP]", <see cref="Tokenization.SpecialTokenTemplate.WithPairAsTwoSingles"/>), every layer apart gives
    /// each sentence's token vectors as the encoder gives them alone (the second's token type aside).
    /// </summary>
    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="tokenTypeIds">(B, T) int64: 0 for the first sentence, 1 for the second.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens and 0 for padding.</param>
    /// <param name="separateLayers">0 to <see cref="LayerCount"/> (0: every layer reads the pair, the positions still restart).</param>
    /// <param name="crossSentenceBias">
    /// (<see cref="LayerCount"/>, heads) float, or null: in each layer that reads the pair, added to the scaled attention
    /// scores of a token for the other sentence's tokens, per head. Very negative: that head reads its own sentence
    /// only; 0: the pair as BERT reads it. Gradients reach it, so a cross-encoder can learn how much to read across.
    /// </param>
    /// <returns>(B, T, H) the last layer's token vectors.</returns>
    public Tensor EncodeSentencesApart(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, int separateLayers, Tensor? crossSentenceBias = null)
    {
        if (separateLayers < 0 || separateLayers > LayerCount)
            throw new ArgumentOutOfRangeException(nameof(separateLayers), separateLayers, $"expected 0 to the model's {LayerCount} layers.");
        using var scope = NewDisposeScope();
        var keyMask = MultiHeadAttention.KeyMask(attentionMask); // (B, 1, 1, T)
        // (B, 1, T, T): padding is type 0, so every query row keeps the first sentence's keys and none is empty.
        var apart = keyMask.logical_and(tokenTypeIds.unsqueeze(2).eq(tokenTypeIds.unsqueeze(1)).unsqueeze(1));
        // The first sentence's tokens number n; the second's first token sits at n, now 0.
        var first = (attentionMask.to_type(ScalarType.Int64) * (1 - tokenTypeIds)).sum(1, keepdim: true); // (B, 1)
        var positions = arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0) - tokenTypeIds * first;
        var h = embeddings.forward(inputIds, tokenTypeIds, positions);
        if (crossSentenceBias is null) return encoder.Run(h, layer => layer < separateLayers ? apart : keyMask).MoveToOuterDisposeScope();
        if (crossSentenceBias.dim() != 2 || crossSentenceBias.shape[0] != LayerCount || crossSentenceBias.shape[1] != Config.NumAttentionHeads)
            throw new ArgumentException($"expected ({LayerCount}, {Config.NumAttentionHeads}): one bias per layer and head, got ({string.Join(", ", crossSentenceBias.shape)}).", nameof(crossSentenceBias));
        var across = keyMask.logical_and(apart.logical_not()).to_type(crossSentenceBias.dtype); // (B, 1, T, T): 1 at the other sentence's keys
        var padded = keyMask.logical_not();
        // Replaced, not added, at padded keys, as MPNet's score bias is: bfloat16 stays free of inf arithmetic.
        Tensor Biased(int layer) => (across * crossSentenceBias[layer].view(1, -1, 1, 1)).masked_fill(padded, finfo(crossSentenceBias.dtype).min); // (B, nh, T, T)
        return encoder.Run(h, layer => layer < separateLayers ? apart : Biased(layer)).MoveToOuterDisposeScope();
    }
}
