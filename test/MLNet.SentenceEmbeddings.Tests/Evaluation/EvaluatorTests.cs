using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Evaluation;

[TestClass]
public class EvaluatorTests
{
    [TestMethod]
    public void EmbeddingSimilarityEvaluatorMatchesSpearmanOfCosineComputedByHand()
    {
        var pairs = new List<SentencePair>
        {
            new("A man is playing a guitar.", "A man plays the guitar.", 5.0),
            new("A woman is slicing an onion.", "A man is playing a flute.", 0.2),
            new("Two dogs run on the beach.", "Dogs are running on sand.", 4.0),
            new("The stock market fell.", "A cat sleeps on a sofa.", 0.0),
        };
        var metrics = new EmbeddingSimilarityEvaluator(pairs).Evaluate(Fixtures.MiniLm);
        var cos = pairs.Select(p => (double)VectorMath.Cosine(Fixtures.MiniLm.Encode(p.Sentence1), Fixtures.MiniLm.Encode(p.Sentence2))).ToList();
        Assert.AreEqual(Correlation.Spearman(cos, pairs.Select(p => p.Score).ToList()), metrics["spearman_cosine"], 1e-9);
        foreach (var key in new[] { "pearson_cosine", "spearman_dot", "spearman_euclidean", "spearman_manhattan" })
            Assert.IsTrue(metrics.ContainsKey(key), key);
    }

    [TestMethod]
    public void TripletEvaluatorCountsAnchorsCloserToThePositive()
    {
        var triplets = new List<(string, string, string)>
        {
            ("A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell."),
            ("Dogs run on the beach.", "Two dogs are running on sand.", "A woman slices an onion."),
            ("A cat sleeps.", "Interest rates rose again.", "A kitten is sleeping."), // positive and negative swapped
        };
        var metrics = new TripletEvaluator(triplets).Evaluate(Fixtures.MiniLm);
        Assert.AreEqual(2.0 / 3, metrics["accuracy"], 1e-12);
        Assert.AreEqual(3, metrics["n"]);
    }
}
