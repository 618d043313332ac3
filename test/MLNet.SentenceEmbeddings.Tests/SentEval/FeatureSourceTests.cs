using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.MLNet.SentEval;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Tests.SentEval;

[TestClass]
public class FeatureSourceTests
{
    private static readonly string[] Sentences = { "a man plays a guitar", "", "a dog runs in the park", "a man plays a guitar" };

    [TestMethod]
    public void EncoderSourceGoesThroughTheTransformAndMatchesTheEncoder()
    {
        using var tiny = Fixtures.Tiny();
        using var source = new EncoderFeatureSource(new SentenceEmbeddingOptions { EncoderInstance = tiny }, "tiny");
        var ml = new MLContext(1);
        var vectors = source.Embed(ml, Sentences);
        var expected = tiny.Encode(Sentences);
        for (int i = 0; i < Sentences.Length; i++)
            for (int d = 0; d < expected[i].Length; d++) Assert.AreEqual(expected[i][d], vectors[i][d], 1e-5f, $"sentence {i} dim {d}");
        Assert.AreSame(vectors, source.Embed(ml, Sentences), "the second request is served from memory");
    }

    [TestMethod]
    public void DiskCacheRoundTripsTheVectorsAndDependsOnPooling()
    {
        string cache = Fixtures.NewTempDir();
        string model = Path.Combine(Fixtures.NewTempDir(), "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        var ml = new MLContext(1);
        float[][] first;
        using (var a = new EncoderFeatureSource(model, PoolingMode.Mean, cacheDirectory: cache)) first = a.Embed(ml, Sentences);
        Assert.AreEqual(1, Directory.GetFiles(cache).Length);
        using (var b = new EncoderFeatureSource(model, PoolingMode.Mean, cacheDirectory: cache))
        {
            var again = b.Embed(ml, Sentences);
            for (int i = 0; i < first.Length; i++) CollectionAssert.AreEqual(first[i], again[i]);
            Assert.AreEqual(TimeSpan.Zero, b.LastEmbeddingTime, "served from disk, nothing computed");
        }
        using (var c = new EncoderFeatureSource(model, PoolingMode.Mean | PoolingMode.Max, cacheDirectory: cache))
            Assert.AreEqual(2 * first[0].Length, c.Embed(ml, Sentences)[0].Length, "MEAN+MAX is another key and twice as wide");
        Assert.AreEqual(2, Directory.GetFiles(cache).Length);
    }

    [TestMethod]
    public void PairTasksGetAbsoluteDifferenceAndProduct()
    {
        CollectionAssert.AreEqual(new[] { 2f, 2f, 3f, -1f }, EmbeddingFeatureSource.PairFeatures(new[] { 1f, -1f }, new[] { 3f, 1f }));
    }

    [TestMethod]
    public void SparsePairFeaturesEqualTheDenseOnes()
    {
        var u = new VBuffer<float>(5, 3, new[] { 1f, -2f, 4f }, new[] { 0, 2, 4 });
        var v = new VBuffer<float>(5, 2, new[] { 3f, 4f }, new[] { 2, 3 });
        var sparse = SparsePairFeatures.Combine(u, v, 5).DenseValues().ToArray();
        var dense = EmbeddingFeatureSource.PairFeatures(u.DenseValues().ToArray(), v.DenseValues().ToArray());
        CollectionAssert.AreEqual(dense, sparse);
    }

    [TestMethod]
    public void TokenAverageIsTheMeanOfTheWordPieceEmbeddings()
    {
        using var source = new TokenEmbeddingAverageSource("default");
        var ml = new MLContext(1);
        var v = source.Embed(ml, new[] { "guitar", "guitar guitar", "" });
        CollectionAssert.AreEqual(v[0], v[1], "averaging one word twice gives that word's vector");
        Assert.IsTrue(v[2].All(x => x == 0), "an empty sentence is the zero vector");
        Assert.AreEqual(384, v[0].Length);
    }

    [TestMethod]
    public void FeaturizeTextDefaultsAreWhatTheReportSays()
    {
        // The report labels the baseline "word 1-2-grams + char 3-grams, L2": pin ML.NET's defaults to that.
        var o = new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options();
        Assert.AreEqual((2, true), (o.WordFeatureExtractor!.NgramLength, o.WordFeatureExtractor.UseAllLengths));
        Assert.AreEqual((3, false), (o.CharFeatureExtractor!.NgramLength, o.CharFeatureExtractor.UseAllLengths));
        Assert.AreEqual(Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.NormFunction.L2, o.Norm);
    }

    [TestMethod]
    public void FeaturizeTextFitsInsideTheFoldAndSeparatesPairs()
    {
        // Paraphrase = identical sentences; the vocabulary of the test pairs never occurs in training, so only
        // [|u-v|; u*v] of n-grams seen in training can carry the signal; unseen test words must not break the view.
        var train = Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? new SentEvalExample($"the cat sat on mat {i}", 1, $"the cat sat on mat {i}")
            : new SentEvalExample($"the cat sat on mat {i}", 0, "stocks fell sharply today")).ToList();
        var test = new[] { new SentEvalExample("the cat sat", 1, "the cat sat"), new SentEvalExample("zebra quokka", 0, "the cat sat on mat") };
        var task = new SentEvalTaskData("PAIRS", SentEvalProtocol.TrainTest, new[] { "no", "yes" }, train, test: test);
        var result = new SentEvalRunner(options: new SentEvalOptions { KFold = 2, Quick = true }).Run(new TextFeaturizerSource(), task);
        Assert.AreEqual(100.0, result.Accuracy, 0.01);
        Assert.IsNotNull(result.F1);
    }
}
