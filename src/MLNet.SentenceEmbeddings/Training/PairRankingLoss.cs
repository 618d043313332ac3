using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// CoSENT's ranking loss over one similarity of each pair, log(1 + Σ_{s_i > s_j} exp(scale · (sim_j − sim_i))):
/// every pair with a higher gold score should be more similar. Inputs: pairs with a float score (any scale; only the
/// order matters). <see cref="CoSentLoss"/> ranks the cosine, <see cref="AngleLoss"/> an angle similarity.
/// </summary>
public abstract class PairRankingLoss : ISentenceLoss
{
    public const double DefaultScale = 20.0;

    protected PairRankingLoss(double scale)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive.");
        Scale = scale;
    }

    public double Scale { get; }
    public int Columns => 2;
    public LabelKind Labels => LabelKind.Score;

    /// <summary>Any finite score: the ranking only uses their order.</summary>
    public string? CheckLabel(double label) => double.IsFinite(label) ? null : "a finite score";
    public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();

    /// <summary>The similarity the loss ranks: (B, dim) twice to (B), before the scale.</summary>
    protected abstract Tensor PairSimilarity(Tensor u, Tensor v);

    public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        LossInputs.Check(embeddings, Columns, labels, Labels != LabelKind.None, GetType().Name);
        using var scope = NewDisposeScope();
        return OfScores(PairSimilarity(embeddings[0], embeddings[1]) * Scale, labels!).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The ranking loss of scores already scaled, (B) against gold scores (B): log(1 + Σ_{s_i > s_j} exp(x_j − x_i)).
    /// Shared with the cross-encoder, which ranks DefaultScale · sigmoid(logit)
    /// (<see cref="CrossEncoding.CrossEncoderLoss.PairRanking"/>). The gold scores are compared in the scores' dtype,
    /// so pass fp32 scores: bf16 would tie close labels.
    /// </summary>
    /// <exception cref="ArgumentException">The scores are not one-dimensional, or the gold scores' shape differs.</exception>
    internal static Tensor OfScores(Tensor scaled, Tensor gold)
    {
        ArgumentNullException.ThrowIfNull(scaled);
        ArgumentNullException.ThrowIfNull(gold);
        if (scaled.dim() != 1 || !gold.shape.SequenceEqual(scaled.shape))
            throw new ArgumentException($"Expected scores of shape (B) and gold scores of the same shape, got ({string.Join(", ", scaled.shape)}) and ({string.Join(", ", gold.shape)}).", nameof(gold));
        using var scope = NewDisposeScope();
        var diff = scaled.unsqueeze(0) - scaled.unsqueeze(1);      // [i, j] = x_j − x_i
        gold = gold.to_type(scaled.dtype);
        var higher = gold.unsqueeze(1) > gold.unsqueeze(0);         // [i, j] = s_i > s_j
        var terms = diff.masked_fill(higher.logical_not(), double.NegativeInfinity).flatten();
        // log(1 + Σ exp(t)) = logsumexp([0, t...]); the 0 also covers a batch with no ordered pair.
        return logsumexp(cat(new[] { zeros(1, dtype: terms.dtype, device: terms.device), terms }, 0), 0, false).MoveToOuterDisposeScope();
    }
}
