using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Tests.Search;

[TestClass]
public class QuantizedIndexTests
{
    /// <summary>Easy data: each query is a corpus row plus a little noise, so its exact top-1 is that row.</summary>
    private static (EmbeddingMatrix Corpus, EmbeddingMatrix Queries, int[] Truth) Easy(int seed)
    {
        var corpus = SemanticSearchTests.Random(500, 64, seed);
        var noise = SemanticSearchTests.Random(40, 64, seed + 1);
        var truth = Enumerable.Range(0, 40).Select(i => i * 12 + 3).ToArray();
        var q = new float[40 * 64];
        for (int i = 0; i < 40; i++)
            for (int d = 0; d < 64; d++) q[i * 64 + d] = corpus.Data[truth[i] * 64 + d] + 0.15f * noise.Data[i * 64 + d];
        return (corpus, new EmbeddingMatrix(q, 64), truth);
    }

    [TestMethod]
    [DataRow(Quantization.Int8, Int8Scale.PerDimension, true)]
    [DataRow(Quantization.Int8, Int8Scale.Global, true)]
    [DataRow(Quantization.Binary, Int8Scale.PerDimension, true)]
    [DataRow(Quantization.Int8, Int8Scale.PerDimension, false)]
    [DataRow(Quantization.Binary, Int8Scale.PerDimension, false)]
    public void RescoredSearchReturnsTheExactTopOne(Quantization kind, Int8Scale scale, bool keepFloat)
    {
        var (corpus, queries, truth) = Easy(21);
        var exact = SemanticSearch.Search(queries, corpus, 5);
        var index = QuantizedIndex.Build(corpus, kind, scale, keepFloat);
        var hits = index.Search(queries, topK: 5, rescoreMultiplier: 4);
        for (int q = 0; q < queries.Rows; q++)
        {
            Assert.AreEqual(truth[q], exact[q][0].CorpusIndex, "the data is easy");
            Assert.AreEqual(truth[q], hits[q][0].CorpusIndex, $"query {q}");
            if (keepFloat) Assert.AreEqual(exact[q][0].Score, hits[q][0].Score, 1e-6f, "rescoring with the float corpus gives the exact cosine");
            else Assert.AreEqual(exact[q][0].Score, hits[q][0].Score, kind == Quantization.Int8 ? 0.02f : 0.5f);
        }
        Assert.AreEqual(kind == Quantization.Int8 ? 500 * 64 + 4 * 64 : 500 * 8, index.CodeBytes);
    }

    [TestMethod]
    public void Int8DotMatchesTheScalarSum()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 1, 31, 32, 33, 384, 1000 })
        {
            var a = Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
            Assert.AreEqual(a.Zip(b, (x, y) => x * y).Sum(), Int8Codes.Dot(a, b), $"length {n}");
        }
    }

    [TestMethod]
    public void BinaryHammingCountsDifferingSigns()
    {
        var a = new float[130];
        var b = new float[130];
        for (int d = 0; d < 130; d++) { a[d] = d % 3 == 0 ? 1 : -1; b[d] = d % 5 == 0 ? 1 : -1; }
        var pa = new ulong[3];
        var pb = new ulong[3];
        BinaryCodes.Pack(a, pa);
        BinaryCodes.Pack(b, pb);
        Assert.AreEqual(Enumerable.Range(0, 130).Count(d => (d % 3 == 0) != (d % 5 == 0)), BinaryCodes.Hamming(pa, pb));
    }

    [TestMethod]
    public void WithoutRescoringTheQuantizedRankingStillFindsEasyNeighbours()
    {
        var (corpus, queries, truth) = Easy(31);
        foreach (var kind in new[] { Quantization.Int8, Quantization.Binary })
        {
            var hits = QuantizedIndex.Build(corpus, kind).Search(queries, topK: 3, rescoreMultiplier: 0);
            int found = Enumerable.Range(0, queries.Rows).Count(q => hits[q].Any(h => h.CorpusIndex == truth[q]));
            Assert.IsTrue(found >= 38, $"{kind}: {found}/40 true neighbours in the top 3 without rescoring");
        }
    }
}
