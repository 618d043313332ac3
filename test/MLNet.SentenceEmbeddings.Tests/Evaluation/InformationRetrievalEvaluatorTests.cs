using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Tests.Evaluation;

[TestClass]
public class InformationRetrievalEvaluatorTests
{
    private static readonly InformationRetrievalOptions Small = new()
    {
        AccuracyAtK = new[] { 1, 2 }, PrecisionRecallAtK = new[] { 1 }, MrrAtK = new[] { 2 }, NdcgAtK = new[] { 2 }, MapAtK = new[] { 2 },
    };

    [TestMethod]
    public void ScoreAveragesEachMetricOverTheQueries()
    {
        // Query 0 finds its hit first, query 1 second: accuracy@1 = 1/2, MRR@2 = (1 + 1/2) / 2.
        var ranked = new IReadOnlyList<int>[] { new[] { 5, 6 }, new[] { 6, 5 } };
        var relevant = new IReadOnlySet<int>[] { new HashSet<int> { 5 }, new HashSet<int> { 5 } };
        var m = InformationRetrievalEvaluator.Score(ranked, relevant, Small);
        Assert.AreEqual(0.5, m["accuracy@1"], 1e-12);
        Assert.AreEqual(1.0, m["accuracy@2"], 1e-12);
        Assert.AreEqual(0.75, m["mrr@2"], 1e-12);
        Assert.AreEqual((1 + 1 / Math.Log(3, 2)) / 2, m["ndcg@2"], 1e-12);
        Assert.AreEqual(0.5, m["recall@1"], 1e-12);
        Assert.AreEqual(2, m["queries"]);
    }

    [TestMethod]
    public void AQueryThatIsInTheCorpusSkipsItsOwnRow()
    {
        // Three texts on a line; the query is row 0 and row 1 is its duplicate. Without the skip, row 0 itself
        // (cosine 1) would take rank 1 and accuracy@1 would be 0.
        var corpus = new EmbeddingMatrix(new float[] { 1, 0, 0.9f, 0.1f, 0, 1 }, 2);
        var queries = new EmbeddingMatrix(new float[] { 1, 0 }, 2);
        var withSkip = new InformationRetrievalEvaluator(new[] { "a" }, new[] { "a", "b", "c" }, new IReadOnlySet<int>[] { new HashSet<int> { 1 } },
            queryRows: new[] { 0 }, Small);
        var withoutSkip = new InformationRetrievalEvaluator(new[] { "a" }, new[] { "a", "b", "c" }, new IReadOnlySet<int>[] { new HashSet<int> { 1 } },
            options: Small);
        Assert.AreEqual(1.0, withSkip.Evaluate(queries, corpus)["accuracy@1"], 1e-12);
        Assert.AreEqual(0.0, withoutSkip.Evaluate(queries, corpus)["accuracy@1"], 1e-12);
        Assert.AreEqual(0.5, withoutSkip.Evaluate(queries, corpus)["mrr@2"], 1e-12);
    }

    [TestMethod]
    public void TheDuplicateTaskMapsToQueriesCorpusAndRelevantRows()
    {
        var pairs = new[] { ("q a", "q b", true), ("q c", "q d", false), ("q a", "q e", true), ("q b", "q a", true) };
        var evaluator = InformationRetrievalEvaluator.FromDuplicates(QuoraDuplicatesReader.RetrievalTask(pairs));
        Assert.AreEqual(5, evaluator.CorpusCount);
        Assert.AreEqual(2, evaluator.QueryCount, "q a and q b start duplicate pairs");
        Assert.AreEqual("ndcg@10", evaluator.PrimaryMetric);
    }

    [TestMethod]
    public void ATinyEncoderRunsEndToEnd()
    {
        using var encoder = Fixtures.Tiny(seed: 2);
        var pairs = new[] { ("the cat sat", "a cat was sitting", true), ("dogs run fast", "the dog is quick", true), ("bread is warm", "music is loud", false) };
        var m = InformationRetrievalEvaluator.FromDuplicates(QuoraDuplicatesReader.RetrievalTask(pairs)).Evaluate(encoder);
        Assert.AreEqual(2, m["queries"]);
        Assert.IsTrue(m["ndcg@10"] is > 0 and <= 1, $"ndcg@10 {m["ndcg@10"]}");
        Assert.AreEqual(1.0, m["recall@10"], 1e-12, "a five-text corpus is found whole within ten hits");
    }

    [TestMethod]
    public void BadInputsFailNamingTheQuery()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new InformationRetrievalEvaluator(new[] { "a", "b" }, new[] { "x" },
            new IReadOnlySet<int>[] { new HashSet<int> { 0 }, new HashSet<int>() }));
        StringAssert.Contains(e.Message, "Query 1");
        e = Assert.ThrowsExactly<ArgumentException>(() => new InformationRetrievalEvaluator(new[] { "a" }, new[] { "x" },
            new IReadOnlySet<int>[] { new HashSet<int> { 3 } }));
        StringAssert.Contains(e.Message, "relevant row 3");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InformationRetrievalEvaluator.Score(new IReadOnlyList<int>[] { new[] { 0 } },
            new IReadOnlySet<int>[] { new HashSet<int> { 0 } }, new InformationRetrievalOptions { MapAtK = new[] { 0 } }));
    }
}
