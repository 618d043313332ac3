using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// AnglE (Li and Li 2023, "AnglE-optimized text embeddings"; sentence-transformers' AnglELoss): CoSENT's ranking
/// loss on an angle similarity instead of the cosine. Each vector is read as a complex vector (first half real,
/// second half imaginary), and the similarity of u and v is |Σ re(u/v) + Σ im(u/v)| after dividing out both norms,
/// which is |cos(u, v) + Σ(u_im·v_re − u_re·v_im) / (|u||v|)|. The paper's reason: the cosine's gradient vanishes
/// near ±1, where STS pairs of high and low scores sit; the angle term keeps a gradient there. Inputs: pairs with a
/// float score (any scale; only the order matters). Scale-invariant, so a trailing Normalize makes no difference.
/// This is the paper's angle term alone, as sentence-transformers ships it; the paper's full objective adds CoSENT's
/// cosine term and in-batch negatives, which <see cref="CoSentLoss"/> and <see cref="MultipleNegativesRankingLoss"/> are.
/// </summary>
public sealed class AngleLoss : PairRankingLoss
{
    public AngleLoss(double scale = DefaultScale) : base(scale) { }

    protected override Tensor PairSimilarity(Tensor u, Tensor v) => Similarity(u, v);

    /// <summary>
    /// The angle similarity of each row of <paramref name="u"/> with the same row of <paramref name="v"/>, (B, dim)
    /// to (B). An odd width gets a zero imaginary tail, so the last real component has no partner.
    /// </summary>
    public static Tensor Similarity(Tensor u, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        using var scope = NewDisposeScope();
        if (u.shape[1] % 2 != 0)
        {
            u = nn.functional.pad(u, new long[] { 0, 1 });
            v = nn.functional.pad(v, new long[] { 0, 1 });
        }
        var (ur, ui) = Halves(u);
        var (vr, vi) = Halves(v);
        var norms = (u.norm(1) * v.norm(1)).clamp_min(1e-8);
        var real = (ur * vr + ui * vi).sum(1);
        var imaginary = (ui * vr - ur * vi).sum(1);
        return ((real + imaginary) / norms).abs().MoveToOuterDisposeScope();
    }

    private static (Tensor Real, Tensor Imaginary) Halves(Tensor x)
    {
        var halves = x.chunk(2, 1);
        return (halves[0], halves[1]);
    }
}
