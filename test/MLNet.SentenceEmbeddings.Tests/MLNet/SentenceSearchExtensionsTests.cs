using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.Search;
using MLNet.SentenceEmbeddings.Tests.CrossEncoding;

namespace MLNet.SentenceEmbeddings.Tests.MLNetIntegration;

[TestClass]
public class SentenceSearchExtensionsTests
{
    public sealed class VectorRow
    {
        public string Text { get; set; } = "";
        [VectorType(4)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    private static readonly VectorRow[] Corpus =
    {
        new() { Text = "a", Features = new float[] { 1, 0, 0, 0 } },
        new() { Text = "b", Features = new float[] { 0, 1, 0, 0 } },
        new() { Text = "c", Features = new float[] { 0.9f, 0.1f, 0, 0 } },
        new() { Text = "d", Features = new float[] { 0, 0, 1, 1 } },
        new() { Text = "e", Features = new float[] { 0, 0, 2, 2 } },
    };

    [TestMethod]
    public void SemanticSearchOverAVectorColumnReturnsRankedRows()
    {
        var ml = new MLContext(1);
        var corpus = ml.Data.LoadFromEnumerable(Corpus);
        var queries = ml.Data.LoadFromEnumerable(new[] { new VectorRow { Features = new float[] { 0, 0, 0, 3 } }, new VectorRow { Features = new float[] { 1, 0.05f, 0, 0 } } });
        var rows = ml.Data.CreateEnumerable<SearchResultRow>(ml.SentenceEmbeddings().SemanticSearch(queries, corpus, "Features", topK: 2), false).ToList();
        CollectionAssert.AreEqual(new[] { (0, 3, 1), (0, 4, 2), (1, 0, 1), (1, 2, 2) }, rows.Select(r => (r.QueryRow, r.CorpusRow, r.Rank)).ToArray(),
            "rows 3 and 4 tie (parallel vectors): the lower index ranks first");
        Assert.AreEqual(VectorMath.Cosine(new float[] { 0, 0, 0, 3 }, Corpus[3].Features), rows[0].Score, 1e-6f);
        Assert.AreEqual(Corpus.Length, corpus.ReadEmbeddings("Features").Rows);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => corpus.ReadEmbeddings("Text")).Message, "'Text'");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => corpus.ReadEmbeddings("Nope"));
    }

    [TestMethod]
    public void ParaphraseMiningOverAVectorColumnFindsTheDuplicates()
    {
        var ml = new MLContext(1);
        var pairs = ml.Data.CreateEnumerable<ScoredPairRow>(ml.SentenceEmbeddings().ParaphraseMining(ml.Data.LoadFromEnumerable(Corpus), topK: 1), false).ToList();
        Assert.AreEqual((3, 4), (pairs[0].First, pairs[0].Second));
        Assert.AreEqual(1f, pairs[0].Score, 1e-6f);
        Assert.AreEqual((0, 2), (pairs[1].First, pairs[1].Second));
    }

    [TestMethod]
    public void ScorePairsMatchesTheCrossEncoderInInputOrder()
    {
        var ml = new MLContext(1);
        using var ce = CrossEncoderTests.Tiny(seed: 8);
        var pairs = CrossEncoderTests.SomePairs().Take(6).ToList();
        var data = ml.Data.LoadFromEnumerable(pairs.Select(p => new { A = p.Item1!, B = p.Item2! }).ToList());
        var rows = ml.Data.CreateEnumerable<CrossEncoderScoreRow>(ml.SentenceEmbeddings().ScorePairs(data, "A", "B", ce), false).ToList();
        var expected = ce.Predict(pairs);
        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.AreEqual(pairs[i].Item1, rows[i].Sentence1);
            Assert.AreEqual(expected[i], rows[i].Score, 1e-6f, $"row {i}");
        }
    }
}
