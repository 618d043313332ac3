using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// The regression objective of SBERT (Section 3): the mean squared error between cos(u, v) and the gold score.
/// Inputs: pairs with a float score already scaled to the cosine's range (STSb's 0–5 divided by 5: see
/// <see cref="ScaleScore"/>).
/// </summary>
public sealed class CosineSimilarityLoss : ISentenceLoss
{
    public int Columns => 2;
    public LabelKind Labels => LabelKind.Score;

    /// <summary>The gold similarity scaled to [0, 1] (SBERT Section 3; <see cref="ScaleScore"/> maps an STS 0-5 score).</summary>
    public string? CheckLabel(double label) => label is >= 0 and <= 1 ? null : "a score in [0, 1] (divide STSb 0-5 scores by 5)";
    public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();

    /// <summary>Maps a gold score in [min, max] to [0, 1], as the paper does for STSb (0–5).</summary>
    public static double ScaleScore(double score, double min, double max) => (score - min) / (max - min);

    public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
    {
        LossInputs.Check(embeddings, Columns, labels, Labels != LabelKind.None, nameof(CosineSimilarityLoss));
        using var scope = NewDisposeScope();
        var cos = nn.functional.cosine_similarity(embeddings[0], embeddings[1], 1, 1e-8);
        return nn.functional.mse_loss(cos, labels!.to_type(cos.dtype), nn.Reduction.Mean).MoveToOuterDisposeScope();
    }
}
