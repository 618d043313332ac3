using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// CoSENT (Su 2022; sentence-transformers' CoSENTLoss): a ranking loss on cosine similarities,
/// log(1 + Σ_{s_i > s_j} exp(scale · (cos_j − cos_i))): every pair with a higher gold score should have a higher
/// cosine. Inputs: pairs with a float score (any scale; only the order matters).
/// </summary>
public sealed class CoSentLoss : ISentenceLoss
{
    public const double DefaultScale = 20.0;

    public CoSentLoss(double scale = DefaultScale)
    {
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive.");
        Scale = scale;
    }

    public double Scale { get; }
    public int Columns => 2;
    public LabelKind Labels => LabelKind.Score;

    /// <summary>Any finite score: CoSENT only uses their order.</summary>
    public string? CheckLabel(double label) => double.IsFinite(label) ? null : "a finite score";
    public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();

    public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        LossInputs.Check(embeddings, Columns, labels, Labels != LabelKind.None, nameof(CoSentLoss));
        using var scope = NewDisposeScope();
        var cos = nn.functional.cosine_similarity(embeddings[0], embeddings[1], 1, 1e-8); // (B)
        return RankingLoss(cos * Scale, labels!).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log(1 + Σ_{s_i > s_j} exp(sim_j − sim_i)) over the batch's (B) similarities, already scaled; shared with
    /// <see cref="AngleLoss"/>, which ranks another similarity the same way.
    /// </summary>
    internal static Tensor RankingLoss(Tensor scaled, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var diff = scaled.unsqueeze(0) - scaled.unsqueeze(1);      // [i, j] = sim_j − sim_i
        var gold = labels.to_type(scaled.dtype);
        var higher = gold.unsqueeze(1) > gold.unsqueeze(0);         // [i, j] = s_i > s_j
        var terms = diff.masked_fill(higher.logical_not(), double.NegativeInfinity).flatten();
        // log(1 + Σ exp(t)) = logsumexp([0, t...]); the 0 also covers a batch with no ordered pair.
        return logsumexp(cat(new[] { zeros(1, dtype: terms.dtype, device: terms.device), terms }, 0), 0, false).MoveToOuterDisposeScope();
    }
}
