using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Tests.Evaluation;

[TestClass]
public class StsSubsetsEvaluatorTests
{
    [TestMethod]
    public void AllConcatenatesTheSubsetsWhileMeanAveragesTheirCorrelations()
    {
        // A: predicted 1,2,3 vs gold 1,2,3 -> Spearman 1. B: predicted 4,5,6 vs gold 6,5,4 -> Spearman -1. Mean = 0.
        // ALL: predicted 1..6 vs gold 1,2,3,6,5,4 (both their own ranks, mean 3.5): dx = -2.5,-1.5,-.5,.5,1.5,2.5 and
        // dy = -2.5,-1.5,-.5,2.5,1.5,.5; sum dx*dy = 6.25+2.25+.25+1.25+2.25+1.25 = 13.5, sum dx^2 = sum dy^2 = 17.5
        // -> ALL Spearman 13.5/17.5 = 27/35, far from the mean of 0.
        var r = StsSubsetsEvaluator.Aggregate(new List<(string, IReadOnlyList<double>, IReadOnlyList<double>)>
        {
            ("A", new[] { 1.0, 2, 3 }, new[] { 1.0, 2, 3 }),
            ("B", new[] { 4.0, 5, 6 }, new[] { 6.0, 5, 4 }),
        });
        Assert.AreEqual(1.0, r.Subsets["A"].Spearman, 1e-12);
        Assert.AreEqual(-1.0, r.Subsets["B"].Spearman, 1e-12);
        Assert.AreEqual(0.0, r.MeanSpearman, 1e-12);
        Assert.AreEqual(27.0 / 35, r.All.Spearman, 1e-12);
        Assert.AreEqual(6, r.All.N);
        Assert.AreEqual(3, r.Subsets["B"].N);
        // Pearson over the same values equals Spearman here (the values are their own ranks).
        Assert.AreEqual(27.0 / 35, r.All.Pearson, 1e-12);
    }

    [TestMethod]
    public void EvaluateEmbedsEachDistinctSentenceOnceAndUsesTheChosenSimilarity()
    {
        var subsets = new List<StsSubset>
        {
            new("one", new[] { new SentencePair("a", "b", 1), new SentencePair("a", "c", 2), new SentencePair("b", "c", 3) }),
            new("two", new[] { new SentencePair("c", "a", 0), new SentencePair("d", "a", 5) }),
        };
        // 1-D vectors: a=0, b=1, c=3, d=10. Negative Euclidean: (a,b) -1, (a,c) -3, (b,c) -2, (c,a) -3, (d,a) -10.
        var vectors = new Dictionary<string, float[]> { ["a"] = new[] { 0f }, ["b"] = new[] { 1f }, ["c"] = new[] { 3f }, ["d"] = new[] { 10f } };
        int calls = 0, embedded = 0;
        var r = new StsSubsetsEvaluator(subsets, SimilarityFunction.Euclidean).Evaluate(s =>
        {
            calls++;
            embedded += s.Count;
            return s.Select(x => vectors[x!]).ToArray();
        });
        Assert.AreEqual(1, calls);
        Assert.AreEqual(4, embedded, "a, b, c, d once each");
        Assert.AreEqual(Correlation.Spearman(new[] { -1.0, -3, -2 }, new[] { 1.0, 2, 3 }), r.Subsets["one"].Spearman, 1e-12);
        Assert.AreEqual(Correlation.Spearman(new[] { -1.0, -3, -2, -3, -10 }, new[] { 1.0, 2, 3, 0, 5 }), r.All.Spearman, 1e-12);
    }

    [TestMethod]
    public void ASubsetWithFewerThanTwoScoredPairsIsRejected() =>
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            new StsSubsetsEvaluator(new[] { new StsSubset("tiny", new[] { new SentencePair("a", "b", 1) }) })).Message, "'tiny'");
}
