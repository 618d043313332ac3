using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Tests.Search;

[TestClass]
public class ParaphraseMiningTests
{
    [TestMethod]
    public void FindsPlantedDuplicatesFirst()
    {
        // Three exact duplicates and one near-duplicate among 400 random 32-d vectors (random cosines stay below ~0.7).
        var m = SemanticSearchTests.Random(400, 32, seed: 11, (120, 7), (399, 250), (33, 34));
        for (int d = 0; d < 32; d++) m.Data[200 * 32 + d] = m.Data[10 * 32 + d] + (d == 0 ? 0.05f : 0f);
        var pairs = ParaphraseMining.Mine(m, topK: 3, options: new SearchOptions { CorpusChunkSize = 50, QueryChunkSize = 7 });
        CollectionAssert.AreEqual(new[] { (7, 120), (33, 34), (250, 399) }, pairs.Take(3).Select(p => (p.First, p.Second)).ToArray());
        Assert.AreEqual((10, 200), (pairs[3].First, pairs[3].Second));
        Assert.IsTrue(pairs[4].Score < 0.9f, $"fifth pair scores {pairs[4].Score}");
        Assert.IsTrue(pairs.All(p => p.First < p.Second), "pairs are ordered and never pair a sentence with itself");
        Assert.AreEqual(pairs.Count, pairs.Select(p => (p.First, p.Second)).Distinct().Count(), "each pair once");
        for (int i = 1; i < pairs.Count; i++) Assert.IsTrue(pairs[i - 1].Score >= pairs[i].Score, "sorted by score");
    }

    [TestMethod]
    public void TheBestPairEqualsTheAllPairsArgMax()
    {
        var m = SemanticSearchTests.Random(150, 12, seed: 12);
        var (bi, bj, best) = (-1, -1, double.NegativeInfinity);
        for (int i = 0; i < m.Rows; i++)
            for (int j = i + 1; j < m.Rows; j++)
            {
                double c = VectorMath.Cosine(m.Row(i), m.Row(j));
                if (c > best) (bi, bj, best) = (i, j, c);
            }
        var top = ParaphraseMining.Mine(m, topK: 1, maxPairs: 1);
        Assert.AreEqual(1, top.Count);
        Assert.AreEqual((bi, bj), (top[0].First, top[0].Second));
        Assert.AreEqual(best, top[0].Score, 1e-5);
    }
}
