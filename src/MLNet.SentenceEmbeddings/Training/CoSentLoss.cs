using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// CoSENT (Su 2022; sentence-transformers' CoSENTLoss): the pair ranking loss on cosine similarities,
/// log(1 + Σ_{s_i > s_j} exp(scale · (cos_j − cos_i))): every pair with a higher gold score should have a higher
/// cosine. Inputs: pairs with a float score (any scale; only the order matters).
/// </summary>
public sealed class CoSentLoss : PairRankingLoss
{
    public CoSentLoss(double scale = DefaultScale) : base(scale) { }

    protected override Tensor PairSimilarity(Tensor u, Tensor v) => nn.functional.cosine_similarity(u, v, 1, 1e-8);
}
