// The sequence-classification head of Hugging Face's BertForSequenceClassification: the [CLS] vector, BERT's pooler
// (dense + tanh) when the checkpoint has one, dropout, and a linear layer to the labels. Field names give the keys
// dense.* (saved as bert.pooler.dense.*) and classifier.*. Other poolings (the mean of the pair's tokens) and the
// comparison of the two sentences' vectors are ours.
#pragma warning disable IDE1006 // field names must match checkpoint keys
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Pooling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>(B, T, H) token vectors and the (B, T) attention mask -> (B, labels) logits.</summary>
public sealed class CrossEncoderHead : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>BERT's initializer_range: the classifier starts as N(0, 0.02) with zero bias, as in Hugging Face.</summary>
    public const double InitializerRange = 0.02;

    /// <summary>
    /// A segment-comparing head's starting score is this times (cosine − 1/2): sigmoid(score) then spans about 0.08 to
    /// 0.92 as the cosine goes from 0 to 1, where STS pairs' cosines mostly lie, instead of bunching near 0.5 to 0.73
    /// under a weight of 1 that a learning rate of 1e-4 would take thousands of steps to grow.
    /// </summary>
    public const double CosineScale = 5;

    private readonly Linear? dense;
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly PoolingModule? _pooling;
    private readonly CrossSentenceGate? cross_sentence_gate;

    /// <param name="hiddenSize">H, the encoder width.</param>
    /// <param name="numLabels">1 for a score (sigmoid), k for k classes (softmax).</param>
    /// <param name="pooler">Whether BERT's pooler (dense H x H + tanh) sits between [CLS] and the classifier.</param>
    /// <param name="dropoutProbability">Dropout on the pooled vector (BERT's hidden_dropout_prob).</param>
    /// <param name="pooling">
    /// What the classifier reads: <see cref="PoolingMode.Cls"/> (Hugging Face's head, through the pooler when there is
    /// one), or any other mode over the pair's tokens (padding left out), straight into the classifier. A start encoder
    /// trained with mean pooling (all-MiniLM-L6-v2) never trained its [CLS] vector or its pooler.
    /// </param>
    /// <param name="compareSegments">
    /// Score the pair from the cosine of its two sentences' vectors, each <paramref name="pooling"/> over that sentence's
    /// tokens of the joint pass (token type 0, then 1), times a learnt weight plus a learnt bias: the bi-encoder's
    /// similarity (SBERT Section 3) on token vectors that attended to both sentences. One label, no pooler, not [CLS].
    /// </param>
    /// <param name="crossSentenceGate">
    /// Learnt per-head biases on attention across the pair's two sentences (<see cref="CrossEncoding.CrossSentenceGate"/>), which
    /// the head owns because they are what the cross-encoder adds to its encoder; null: none.
    /// </param>
    public CrossEncoderHead(int hiddenSize, int numLabels, bool pooler, double dropoutProbability, PoolingMode pooling = PoolingMode.Cls,
        bool compareSegments = false, CrossSentenceGate? crossSentenceGate = null) : base(nameof(CrossEncoderHead))
    {
        if (numLabels < 1) throw new ArgumentOutOfRangeException(nameof(numLabels), numLabels, "numLabels must be at least 1.");
        if (pooler && pooling != PoolingMode.Cls)
            throw new ArgumentException($"BERT's pooler reads [CLS] only; pooling {PoolingModes.ToName(pooling)} goes straight into the classifier (pooler: false).", nameof(pooler));
        if (compareSegments && (numLabels != 1 || pooler || pooling == PoolingMode.Cls))
            throw new ArgumentException($"A head comparing the two sentences gives one score from a pooling of each sentence's tokens; got {numLabels} label(s), " +
                                        $"pooler {pooler}, pooling {PoolingModes.ToName(pooling)} (expected 1, false, and a pooling other than cls).", nameof(compareSegments));
        NumLabels = numLabels;
        Pooling = pooling;
        CompareSegments = compareSegments;
        cross_sentence_gate = crossSentenceGate;
        if (pooling != PoolingMode.Cls) _pooling = new PoolingModule(hiddenSize, pooling);
        if (pooler) dense = nn.Linear(hiddenSize, hiddenSize);
        dropout = nn.Dropout(dropoutProbability);
        classifier = nn.Linear(compareSegments ? 1 : _pooling?.SentenceEmbeddingDimension ?? hiddenSize, numLabels);
        using (no_grad())
        {
            if (compareSegments)
            {
                nn.init.constant_(classifier.weight!, CosineScale);
                nn.init.constant_(classifier.bias!, -CosineScale / 2);
            }
            else
            {
                nn.init.normal_(classifier.weight!, 0, InitializerRange);
                nn.init.zeros_(classifier.bias!);
            }
        }
        RegisterComponents();
    }

    public int NumLabels { get; }
    public bool HasPooler => dense is not null;
    /// <summary>What the classifier reads from the pair's token vectors (<see cref="PoolingMode.Cls"/>: Hugging Face's head).</summary>
    public PoolingMode Pooling { get; }
    /// <summary>Whether the score is the cosine of the two sentences' vectors (see the constructor), not a classifier on the pair's.</summary>
    public bool CompareSegments { get; }
    /// <summary>The biases on attention across the pair's sentences, or null (the encoder reads the pair as it was trained to).</summary>
    public CrossSentenceGate? CrossSentenceGate => cross_sentence_gate;

    /// <summary>
    /// The classifier and the gate: what starts new on a loaded encoder, so what a head learning rate trains. BERT's
    /// pooler is left out: it comes with the checkpoint and trains with the encoder.
    /// </summary>
    internal IEnumerable<Parameter> ClassifierAndGateParameters() =>
        classifier.parameters().Concat(cross_sentence_gate?.parameters() ?? Enumerable.Empty<Parameter>());

    /// <param name="hidden">(B, T, H) last hidden states.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <param name="tokenTypeIds">(B, T), 0 for the first sentence's tokens and 1 for the second's.</param>
    /// <returns>(B, labels) logits.</returns>
    public Tensor forward(Tensor hidden, Tensor attentionMask, Tensor tokenTypeIds)
    {
        if (!CompareSegments) return forward(hidden, attentionMask);
        using var scope = NewDisposeScope();
        var cosine = SegmentCosine(hidden, attentionMask, tokenTypeIds).unsqueeze(1); // (B, 1)
        return classifier.forward(cosine.to_type(hidden.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>(B) float32 cosines of the two sentences' pooled token vectors: what a comparing head's classifier scales.</summary>
    /// <exception cref="InvalidOperationException">The head does not compare the pair's sentences.</exception>
    internal Tensor SegmentCosine(Tensor hidden, Tensor attentionMask, Tensor tokenTypeIds)
    {
        if (!CompareSegments) throw new InvalidOperationException("This head reads the pair as one sequence: it has no cosine of two sentences.");
        using var scope = NewDisposeScope();
        var second = attentionMask * tokenTypeIds; // padding is type 0: masked out of both
        var u = _pooling!.Pool(hidden, attentionMask - second).to_type(ScalarType.Float32);
        var v = _pooling.Pool(hidden, second).to_type(ScalarType.Float32);
        return nn.functional.cosine_similarity(u, v, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc cref="forward(Tensor, Tensor, Tensor)"/>
    /// <exception cref="InvalidOperationException">The head compares the two sentences and needs their token types.</exception>
    public override Tensor forward(Tensor hidden, Tensor attentionMask)
    {
        if (CompareSegments) throw new InvalidOperationException("This head compares the pair's two sentences: call forward(hidden, attentionMask, tokenTypeIds).");
        using var scope = NewDisposeScope();
        Tensor pooled;
        if (_pooling is not null) pooled = _pooling.Pool(hidden, attentionMask).to_type(hidden.dtype);
        else
        {
            pooled = hidden.select(1, 0); // (B, H)
            if (dense is not null) pooled = dense.forward(pooled).tanh();
        }
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }
}
