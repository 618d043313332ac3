using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

/// <summary>Our TorchSharp encoder against ONNX Runtime running the same ONNX file (no Python reachable here).</summary>
[TestClass]
public class OnnxParityTests
{
    private static void AssertParity(SentenceEncoder ours, PretrainedModel model)
    {
        var sentences = Fixtures.StsbSentences(1000);
        Assert.AreEqual(1000, sentences.Count);
        using var reference = new OnnxReferenceEncoder(model, threads: 2);
        var expected = reference.Encode(sentences);
        var actual = ours.Encode(sentences);
        double worst = Enumerable.Range(0, sentences.Count).Min(i => Fixtures.Cos(expected[i], actual[i]));
        Assert.IsTrue(worst >= 0.9999, $"{model.Name}: lowest cosine to ONNX Runtime {worst:F6} < 0.9999");
    }

    [TestMethod]
    public void AllMiniLmL6V2MatchesOnnxRuntimeOn1000StsbSentences() => AssertParity(Fixtures.MiniLm, PretrainedModels.AllMiniLmL6V2);

    [TestMethod]
    public void ArcticEmbedXsMatchesOnnxRuntimeOn1000StsbSentences() => AssertParity(Fixtures.Arctic, PretrainedModels.ArcticEmbedXs);

    [TestMethod]
    public void DefaultModelHasTheModelCardSettings()
    {
        var e = Fixtures.MiniLm;
        Assert.AreEqual(384, e.Dimension);
        Assert.AreEqual(256, e.Tokenizer.MaxSequenceLength);
        Assert.AreEqual(PoolingMode.Mean, e.Pooling.Mode);
        Assert.IsTrue(e.Normalizes);
        Assert.AreEqual(512, Fixtures.Arctic.Tokenizer.MaxSequenceLength);
        Assert.AreEqual(PoolingMode.Cls, Fixtures.Arctic.Pooling.Mode);
        var v = e.Encode("A man is playing a guitar.");
        Assert.AreEqual(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 1e-5, "normalised");
    }

    [TestMethod]
    public void SimilarSentencesAreCloserThanUnrelatedOnes()
    {
        var v = Fixtures.MiniLm.Encode(new[] { "A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell sharply today." });
        Assert.IsTrue(Fixtures.Cos(v[0], v[1]) > Fixtures.Cos(v[0], v[2]) + 0.3);
    }

    [TestMethod]
    public void UnknownModelNameFailsWithTheAcceptedNames()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => SentenceEncoder.Load("no-such-model"));
        StringAssert.Contains(e.Message, "all-MiniLM-L6-v2");
        StringAssert.Contains(e.Message, "no-such-model");
    }
}
