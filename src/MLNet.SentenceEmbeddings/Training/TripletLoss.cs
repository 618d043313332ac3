using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>Distances for the triplet objective and the triplet evaluator.</summary>
public enum TripletDistance
{
    /// <summary>||a − b||₂, the paper's choice.</summary>
    Euclidean,
    /// <summary>1 − cos(a, b).</summary>
    Cosine,
    /// <summary>||a − b||₁.</summary>
    Manhattan,
}

/// <summary>
/// The triplet objective of SBERT (Section 3): max(||a − p|| − ||a − n|| + ε, 0), Euclidean distance, ε = 1.
/// Inputs: triplets (anchor, positive, negative), no label.
/// </summary>
/// <remarks>
/// By default the loss sees the vector before the encoder's Normalize module (<see cref="BeforeNormalize"/>): the
/// paper's vectors were never normalised, and between unit vectors a Euclidean distance cannot exceed 2, so the margin
/// ε = 1 means something else (measured on SNLI triplets: docs/training.md).
/// Pass <c>beforeNormalize: false</c> for the encoder's normalised output, the behaviour before.
/// </remarks>
public sealed class TripletLoss : ISentenceLoss
{
    /// <summary>The paper's margin ε = 1 (Section 3). sentence-transformers defaults to 5.</summary>
    public const double PaperMargin = 1.0;

    /// <param name="distance">Distance between anchor and positive or negative.</param>
    /// <param name="margin">ε, in units of <paramref name="distance"/>.</param>
    /// <param name="beforeNormalize">True (default): train on the vector before a trailing Normalize module; false: on the
    /// encoder's output as it is.</param>
    public TripletLoss(TripletDistance distance = TripletDistance.Euclidean, double margin = PaperMargin, bool beforeNormalize = true)
    {
        if (!(margin >= 0)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "margin must be non-negative.");
        Distance = distance;
        Margin = margin;
        BeforeNormalize = beforeNormalize;
    }

    public TripletDistance Distance { get; }
    public double Margin { get; }
    /// <summary>Whether the trainer hands this loss the vector before the encoder's Normalize module (default true).</summary>
    public bool BeforeNormalize { get; }
    public int Columns => 3;
    public LabelKind Labels => LabelKind.None;

    public string? CheckLabel(double label) => null;
    public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();

    /// <summary>Row-wise distance (B) between (B, dim) tensors.</summary>
    public static Tensor RowDistance(Tensor a, Tensor b, TripletDistance distance) => distance switch
    {
        TripletDistance.Euclidean => (a - b).pow(2).sum(1).sqrt(),
        TripletDistance.Manhattan => (a - b).abs().sum(1),
        _ => 1 - nn.functional.cosine_similarity(a, b, 1, 1e-8),
    };

    public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        LossInputs.Check(embeddings, Columns, labels, Labels != LabelKind.None, nameof(TripletLoss));
        using var scope = NewDisposeScope();
        var positive = RowDistance(embeddings[0], embeddings[1], Distance);
        var negative = RowDistance(embeddings[0], embeddings[2], Distance);
        return nn.functional.relu(positive - negative + Margin).mean().MoveToOuterDisposeScope();
    }
}
