using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// In-batch negatives (Henderson et al. 2017; sentence-transformers' MultipleNegativesRankingLoss): for anchor i,
/// positive i is the right answer among every positive (and hard negative) of the batch; cross-entropy over
/// scale · cos(a_i, c_j). Inputs: (anchor, positive) or (anchor, positive, hard negative), no label.
/// </summary>
public sealed class MultipleNegativesRankingLoss : ISentenceLoss
{
    /// <summary>Temperature 1/0.05: the sentence-transformers default.</summary>
    public const double DefaultScale = 20.0;

    public MultipleNegativesRankingLoss(double scale = DefaultScale, bool withHardNegative = false)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive.");
        Scale = scale;
        Columns = withHardNegative ? 3 : 2;
    }

    public double Scale { get; }
    public int Columns { get; }
    public LabelKind Labels => LabelKind.None;

    public string? CheckLabel(double label) => null;
    public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();

    public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        LossInputs.Check(embeddings, Columns, labels, Labels != LabelKind.None, nameof(MultipleNegativesRankingLoss));
        using var scope = NewDisposeScope();
        var anchors = nn.functional.normalize(embeddings[0], 2, 1, 1e-12);
        var candidates = nn.functional.normalize(cat(embeddings.Skip(1).ToList(), 0), 2, 1, 1e-12); // (B·(C−1), dim)
        var scores = anchors.matmul(candidates.t()) * Scale;                                           // (B, B·(C−1))
        var targets = arange(anchors.shape[0], dtype: ScalarType.Int64, device: anchors.device);
        return nn.functional.cross_entropy(scores, targets).MoveToOuterDisposeScope();
    }
}
