using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Tests.Evaluation;

/// <summary>Each metric on a ranking small enough to check by hand: rows 3, 1, 7, 2 retrieved, rows 1 and 2 relevant.</summary>
[TestClass]
public class RetrievalMetricsTests
{
    private static readonly int[] Ranked = { 3, 1, 7, 2 };
    private static readonly IReadOnlySet<int> Relevant = new HashSet<int> { 1, 2 };

    [TestMethod]
    [DataRow(1, 0.0)]   // row 3 is not relevant
    [DataRow(2, 1.0)]   // row 1 at rank 2
    [DataRow(10, 1.0)]
    public void AccuracyIsWhetherAnyHitIsInTheFirstK(int k, double expected) =>
        Assert.AreEqual(expected, RetrievalMetrics.Accuracy(Ranked, Relevant, k), 1e-12);

    [TestMethod]
    [DataRow(1, 0.0, 0.0)]
    [DataRow(2, 0.5, 0.5)]    // 1 hit of 2 retrieved; 1 of 2 relevant
    [DataRow(3, 1.0 / 3, 0.5)]
    [DataRow(4, 0.5, 1.0)]    // 2 hits of 4; both relevant found
    [DataRow(10, 0.2, 1.0)]   // precision divides by k even when fewer rows were retrieved
    public void PrecisionDividesByKAndRecallByTheRelevantCount(int k, double precision, double recall)
    {
        Assert.AreEqual(precision, RetrievalMetrics.Precision(Ranked, Relevant, k), 1e-12);
        Assert.AreEqual(recall, RetrievalMetrics.Recall(Ranked, Relevant, k), 1e-12);
    }

    [TestMethod]
    [DataRow(1, 0.0)]
    [DataRow(2, 0.5)]   // first hit at rank 2
    [DataRow(10, 0.5)]
    public void ReciprocalRankOfTheFirstHit(int k, double expected) =>
        Assert.AreEqual(expected, RetrievalMetrics.ReciprocalRank(Ranked, Relevant, k), 1e-12);

    [TestMethod]
    public void NdcgDiscountsEachHitByLog2OfItsPositionPlusOne()
    {
        // Hits at positions 1 and 3 (0-based): DCG = 1/log2(3) + 1/log2(5); ideal: both at the top, 1/log2(2) + 1/log2(3).
        double dcg = 1 / Math.Log(3, 2) + 1 / Math.Log(5, 2), ideal = 1 + 1 / Math.Log(3, 2);
        Assert.AreEqual(dcg / ideal, RetrievalMetrics.Ndcg(Ranked, Relevant, 10), 1e-12);
        Assert.AreEqual(0.6509209298, RetrievalMetrics.Ndcg(Ranked, Relevant, 4), 1e-9);
        // At k = 2 only the first hit counts; the ideal still has two relevant rows to place.
        Assert.AreEqual((1 / Math.Log(3, 2)) / ideal, RetrievalMetrics.Ndcg(Ranked, Relevant, 2), 1e-12);
        Assert.AreEqual(1.0, RetrievalMetrics.Ndcg(new[] { 2, 1, 3 }, Relevant, 10), 1e-12, "a perfect ranking scores 1");
    }

    [TestMethod]
    public void AveragePrecisionSumsPrecisionAtEachHitOverMinKAndRelevant()
    {
        // Hits at ranks 2 and 4: precisions 1/2 and 2/4; divided by min(k, 2).
        Assert.AreEqual((0.5 + 0.5) / 2, RetrievalMetrics.AveragePrecision(Ranked, Relevant, 100), 1e-12);
        Assert.AreEqual(0.5 / 2, RetrievalMetrics.AveragePrecision(Ranked, Relevant, 3), 1e-12);
        Assert.AreEqual(0.0, RetrievalMetrics.AveragePrecision(Ranked, Relevant, 1), 1e-12);
        Assert.AreEqual(1.0, RetrievalMetrics.AveragePrecision(new[] { 1, 9 }, Relevant, 1), 1e-12, "k = 1 divides by 1, not by 2 relevant rows");
    }

    [TestMethod]
    public void BadArgumentsFailNamingThem()
    {
        Assert.AreEqual("k", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RetrievalMetrics.Ndcg(Ranked, Relevant, 0)).ParamName);
        Assert.AreEqual("relevant", Assert.ThrowsExactly<ArgumentException>(() => RetrievalMetrics.Recall(Ranked, new HashSet<int>(), 5)).ParamName);
    }
}
