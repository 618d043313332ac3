using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Tests.Search;

[TestClass]
public class SemanticSearchTests
{
    /// <summary>Random Gaussian rows; rows listed in <paramref name="copies"/> (target, source) duplicate another row exactly.</summary>
    internal static EmbeddingMatrix Random(int rows, int dim, int seed, params (int Target, int Source)[] copies)
    {
        var rng = new Random(seed);
        var data = new float[rows * dim];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        foreach (var (target, source) in copies) Array.Copy(data, source * dim, data, target * dim, dim);
        return new EmbeddingMatrix(data, dim);
    }

    /// <summary>The obvious answer: every cosine in double precision, sorted by (score desc, index asc).</summary>
    private static int[] BruteForce(EmbeddingMatrix queries, EmbeddingMatrix corpus, int q, int k) =>
        Enumerable.Range(0, corpus.Rows)
            .Select(c =>
            {
                double dot = 0, nq = 0, nc = 0;
                for (int d = 0; d < corpus.Dimension; d++)
                {
                    dot += (double)queries.Row(q)[d] * corpus.Row(c)[d];
                    nq += (double)queries.Row(q)[d] * queries.Row(q)[d];
                    nc += (double)corpus.Row(c)[d] * corpus.Row(c)[d];
                }
                return (c, score: dot / Math.Sqrt(nq * nc));
            })
            .OrderByDescending(x => x.score).ThenBy(x => x.c).Take(k).Select(x => x.c).ToArray();

    [TestMethod]
    public void TopKEqualsBruteForceWithTiesToTheLowerIndex()
    {
        // Corpus rows 40, 77 and 150 are copies of row 3; query 0 is row 3 itself, so four hits tie at cosine 1.
        var corpus = Random(200, 24, seed: 1, (40, 3), (77, 3), (150, 3));
        var queries = Random(12, 24, seed: 2);
        Array.Copy(corpus.Data, 3 * 24, queries.Data, 0, 24);
        var hits = SemanticSearch.Search(queries, corpus, topK: 7);
        Assert.AreEqual(12, hits.Length);
        CollectionAssert.AreEqual(new[] { 3, 40, 77, 150 }, hits[0].Take(4).Select(h => h.CorpusIndex).ToArray(), "ties: lower index first");
        for (int q = 0; q < queries.Rows; q++)
        {
            CollectionAssert.AreEqual(BruteForce(queries, corpus, q, 7), hits[q].Select(h => h.CorpusIndex).ToArray(), $"query {q}");
            foreach (var h in hits[q])
                Assert.AreEqual(VectorMath.Cosine(queries.Row(q), corpus.Row(h.CorpusIndex)), h.Score, 1e-5f);
        }
    }

    [TestMethod]
    public void ChunkingAndThreadsDoNotChangeTheAnswer()
    {
        var corpus = Random(301, 16, seed: 3, (300, 5), (299, 5), (17, 250));
        var queries = Random(37, 16, seed: 4);
        var oneBlock = SemanticSearch.Search(queries, corpus, 5, new SearchOptions { QueryChunkSize = 1000, CorpusChunkSize = 1000, MaxDegreeOfParallelism = 1 });
        foreach (var (qc, cc) in new[] { (1, 1), (3, 7), (32, 64), (37, 300) })
        {
            var chunked = SemanticSearch.Search(queries, corpus, 5, new SearchOptions { QueryChunkSize = qc, CorpusChunkSize = cc });
            for (int q = 0; q < queries.Rows; q++) CollectionAssert.AreEqual(oneBlock[q], chunked[q], $"chunks {qc}x{cc}, query {q}");
        }
    }

    [TestMethod]
    public void DotOnUnitVectorsRanksLikeCosine()
    {
        var corpus = Random(50, 8, seed: 5);
        var unit = new EmbeddingMatrix(corpus.Data.ToArray(), 8);
        for (int i = 0; i < unit.Rows; i++)
        {
            var row = unit.Data.AsSpan(i * 8, 8);
            float n = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            for (int d = 0; d < 8; d++) row[d] /= n;
        }
        var cosine = SemanticSearch.Search(corpus, corpus, 3);
        var dot = SemanticSearch.Search(unit, unit, 3, new SearchOptions { Similarity = SimilarityFunction.Dot });
        for (int q = 0; q < 50; q++)
            CollectionAssert.AreEqual(cosine[q].Select(h => h.CorpusIndex).ToArray(), dot[q].Select(h => h.CorpusIndex).ToArray());
    }

    [TestMethod]
    public void SmallCorporaAndBadArgumentsAreHandled()
    {
        var corpus = Random(3, 4, seed: 6);
        Assert.AreEqual(3, SemanticSearch.Search(corpus, corpus, topK: 10)[0].Length, "k larger than the corpus returns the corpus");
        var wrongWidth = Random(2, 5, seed: 7);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SemanticSearch.Search(wrongWidth, corpus)).Message, "5-dimensional");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SemanticSearch.Search(corpus, corpus, topK: 0));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => EmbeddingMatrix.FromRows(new[] { new float[3], new float[2] })).Message, "Row 1");
    }
}
