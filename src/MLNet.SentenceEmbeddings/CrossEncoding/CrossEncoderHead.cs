// The sequence-classification head of Hugging Face's BertForSequenceClassification: the [CLS] vector, BERT's pooler
// (dense + tanh) when the checkpoint has one, dropout, and a linear layer to the labels. Field names give the keys
// dense.* (saved as bert.pooler.dense.*) and classifier.*.
#pragma warning disable IDE1006 // field names must match checkpoint keys
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>(B, T, H) token vectors -> (B, labels) logits, from the first ([CLS]) token.</summary>
public sealed class CrossEncoderHead : nn.Module<Tensor, Tensor>
{
    /// <summary>BERT's initializer_range: the classifier starts as N(0, 0.02) with zero bias, as in Hugging Face.</summary>
    public const double InitializerRange = 0.02;

    private readonly Linear? dense;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    /// <param name="hiddenSize">H, the encoder width.</param>
    /// <param name="numLabels">1 for a score (sigmoid), k for k classes (softmax).</param>
    /// <param name="pooler">Whether BERT's pooler (dense H x H + tanh) sits between [CLS] and the classifier.</param>
    /// <param name="dropoutProbability">Dropout on the pooled vector (BERT's hidden_dropout_prob).</param>
    public CrossEncoderHead(int hiddenSize, int numLabels, bool pooler, double dropoutProbability) : base(nameof(CrossEncoderHead))
    {
        if (numLabels < 1) throw new ArgumentOutOfRangeException(nameof(numLabels), numLabels, "numLabels must be at least 1.");
        NumLabels = numLabels;
        if (pooler) dense = nn.Linear(hiddenSize, hiddenSize);
        dropout = nn.Dropout(dropoutProbability);
        classifier = nn.Linear(hiddenSize, numLabels);
        using (no_grad())
        {
            nn.init.normal_(classifier.weight!, 0, InitializerRange);
            nn.init.zeros_(classifier.bias!);
        }
        RegisterComponents();
    }

    public int NumLabels { get; }
    public bool HasPooler => dense is not null;

    /// <param name="hidden">(B, T, H) last hidden states.</param>
    /// <returns>(B, labels) logits.</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var cls = hidden.select(1, 0); // (B, H)
        if (dense is not null) cls = dense.forward(cls).tanh();
        return classifier.forward(dropout.forward(cls)).MoveToOuterDisposeScope();
    }
}
