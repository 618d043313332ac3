// A RoBERTa / XLM-RoBERTa encoder in TorchSharp, laid out like Hugging Face's modeling_roberta.py: BERT's layers
// (encoder.layer.N.attention.self.query, ... are BERT's modules), with embeddings whose positions start after the
// padding index (fairseq's make_positions). Shapes: B = batch, T = tokens, H = hidden size.
#pragma warning disable IDE1006 // field names must match checkpoint keys (LayerNorm, ...)
using System.Text.Json.Nodes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Word + position + token-type-0 embeddings, LayerNorm and dropout, with padding-aware position ids.</summary>
internal sealed class RobertaEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly long _paddingIdx;

    public RobertaEmbeddings(RobertaConfig c) : base(nameof(RobertaEmbeddings))
    {
        _paddingIdx = c.PadTokenId;
        word_embeddings = nn.Embedding(c.VocabSize, c.HiddenSize, padding_idx: c.PadTokenId);
        position_embeddings = nn.Embedding(c.MaxPositionEmbeddings, c.HiddenSize, padding_idx: c.PadTokenId);
        token_type_embeddings = nn.Embedding(c.TypeVocabSize, c.HiddenSize);
        LayerNorm = nn.LayerNorm(c.HiddenSize, eps: c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>
    /// RoBERTa's position ids: real tokens count up from padding_idx + 1, pads get padding_idx. Hugging Face derives
    /// the pad positions from input_ids != pad_token_id; the attention mask marks the same positions whenever pads are
    /// exactly the masked tokens (how every batch here is built), and does not depend on which id the tokenizer pads with.
    /// </summary>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <param name="paddingIdx">The padding index.</param>
    /// <returns>(B, T) int64.</returns>
    internal static Tensor PositionIds(Tensor attentionMask, long paddingIdx)
    {
        using var scope = NewDisposeScope();
        var real = attentionMask.to_type(ScalarType.Int64);
        return (real.cumsum(1) * real + paddingIdx).MoveToOuterDisposeScope();
    }

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <returns>(B, T, H).</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var positions = PositionIds(attentionMask, _paddingIdx); // (B, T)
        // Token type ids are always 0 for RoBERTa (its tokenizers emit none): add row 0 to every token.
        var x = word_embeddings.forward(inputIds) + position_embeddings.forward(positions) + token_type_embeddings.weight![0];
        return dropout.forward(LayerNorm.forward(x)).MoveToOuterDisposeScope();
    }

    public Tensor WordEmbeddingWeight => word_embeddings.weight!;
}

/// <summary>
/// The RoBERTa / XLM-RoBERTa encoder (<c>model_type</c> "roberta" or "xlm-roberta"): token ids in, contextual token
/// vectors out, no pooler. Token type ids are ignored (always 0). Checkpoints of RobertaForX / XLMRobertaForX carry a
/// "roberta." prefix, which is removed.
/// </summary>
public sealed class RobertaModel : TransformerModel
{
    private const string Prefix = "roberta.";
    // The tanh pooler (not the sentence embedding, SBERT Section 3), the MLM head and older transformers' buffers.
    private static readonly string[] IgnoredPrefixes = { "pooler.", "lm_head.", "embeddings.position_ids", "embeddings.token_type_ids" };

    private readonly RobertaEmbeddings embeddings;
    private readonly BertLayerStack encoder;

    public RobertaModel(RobertaConfig config) : base(nameof(RobertaModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate("RobertaConfig");
        Config = config;
        embeddings = new RobertaEmbeddings(config);
        encoder = new BertLayerStack(config.LayerConfig());
        RegisterComponents();
    }

    public RobertaConfig Config { get; }

    public override string ModelType => Config.ModelType;
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
    /// <param name="tokenTypeIds">Ignored: RoBERTa's token type is always 0.</param>
    /// <param name="attentionMask">(B, T) int64 or bool, 1 for real tokens and 0 for padding.</param>
    /// <returns>(B, T, H).</returns>
    /// <param name="hiddenStates">Receives every hidden state when given (<see cref="TransformerModel.HiddenStates"/>).</param>
    protected override Tensor Encode(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask, List<Tensor>? hiddenStates)
    {
        using var scope = NewDisposeScope();
        var keyMask = MultiHeadAttention.KeyMask(attentionMask); // (B, 1, 1, T)
        var h = embeddings.forward(inputIds, attentionMask);
        return KeepOutside(encoder.Run(h, keyMask, hiddenStates), hiddenStates);
    }
}
