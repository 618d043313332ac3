// The sequence-classification head of Hugging Face's BertForSequenceClassification: the [CLS] vector, BERT's pooler
// (dense + tanh) when the checkpoint has one, dropout, and a linear layer to the labels. Field names give the keys
// dense.* (saved as bert.pooler.dense.*) and classifier.*. Other poolings (the mean of the pair's tokens) are ours.
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

    private readonly Linear? dense;
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly PoolingModule? _pooling;

    /// <param name="hiddenSize">H, the encoder width.</param>
    /// <param name="numLabels">1 for a score (sigmoid), k for k classes (softmax).</param>
    /// <param name="pooler">Whether BERT's pooler (dense H x H + tanh) sits between [CLS] and the classifier.</param>
    /// <param name="dropoutProbability">Dropout on the pooled vector (BERT's hidden_dropout_prob).</param>
    /// <param name="pooling">
    /// What the classifier reads: <see cref="PoolingMode.Cls"/> (Hugging Face's head, through the pooler when there is
    /// one), or any other mode over the pair's tokens (padding left out), straight into the classifier. A start encoder
    /// trained with mean pooling (all-MiniLM-L6-v2) never trained its [CLS] vector or its pooler.
    /// </param>
    public CrossEncoderHead(int hiddenSize, int numLabels, bool pooler, double dropoutProbability, PoolingMode pooling = PoolingMode.Cls) : base(nameof(CrossEncoderHead))
    {
        if (numLabels < 1) throw new ArgumentOutOfRangeException(nameof(numLabels), numLabels, "numLabels must be at least 1.");
        if (pooler && pooling != PoolingMode.Cls)
            throw new ArgumentException($"BERT's pooler reads [CLS] only; pooling {PoolingModes.ToName(pooling)} goes straight into the classifier (pooler: false).", nameof(pooler));
        NumLabels = numLabels;
        Pooling = pooling;
        if (pooling != PoolingMode.Cls) _pooling = new PoolingModule(hiddenSize, pooling);
        if (pooler) dense = nn.Linear(hiddenSize, hiddenSize);
        dropout = nn.Dropout(dropoutProbability);
        classifier = nn.Linear(_pooling?.SentenceEmbeddingDimension ?? hiddenSize, numLabels);
        using (no_grad())
        {
            nn.init.normal_(classifier.weight!, 0, InitializerRange);
            nn.init.zeros_(classifier.bias!);
        }
        RegisterComponents();
    }

    public int NumLabels { get; }
    public bool HasPooler => dense is not null;
    /// <summary>What the classifier reads from the pair's token vectors (<see cref="PoolingMode.Cls"/>: Hugging Face's head).</summary>
    public PoolingMode Pooling { get; }

    /// <param name="hidden">(B, T, H) last hidden states.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <returns>(B, labels) logits.</returns>
    public override Tensor forward(Tensor hidden, Tensor attentionMask)
    {
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
