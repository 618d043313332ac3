using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modules;

[TestClass]
public class PoolingModuleTests
{
    // Two sentences, 3 positions, 2 dims; the second sentence has one padding position holding a large value
    // that mask-aware pooling must ignore.
    private static readonly float[] Tokens = { 1, 2, 3, 4, 5, 6, /* sentence 2 */ -1, 0, 2, 2, 100, 100 };
    private static readonly long[] Mask = { 1, 1, 1, 1, 1, 0 };

    private static float[] Pool(PoolingMode mode, bool normalize = false, bool includePrompt = true, int promptLength = 0)
    {
        using var scope = NewDisposeScope();
        var pooling = new PoolingModule(2, mode, includePrompt);
        var t = tensor(Tokens, new long[] { 2, 3, 2 });
        var m = tensor(Mask, new long[] { 2, 3 });
        using var batch = new TokenBatch(zeros(2, 3, ScalarType.Int64), zeros(2, 3, ScalarType.Int64), m);
        var features = pooling.forward(new SentenceFeatures(batch, promptLength) { TokenEmbeddings = t });
        if (normalize) features = new NormalizeModule().forward(features);
        return features.SentenceEmbedding!.data<float>().ToArray();
    }

    [TestMethod]
    public void MeanIgnoresPadding() => CollectionAssert.AreEqual(new float[] { 3, 4, 0.5f, 1 }, Pool(PoolingMode.Mean));

    [TestMethod]
    public void MaxIgnoresPadding() => CollectionAssert.AreEqual(new float[] { 5, 6, 2, 2 }, Pool(PoolingMode.Max));

    [TestMethod]
    public void ClsTakesTheFirstToken() => CollectionAssert.AreEqual(new float[] { 1, 2, -1, 0 }, Pool(PoolingMode.Cls));

    [TestMethod]
    public void MeanSqrtLenDividesTheSumByTheRootOfTheLength()
    {
        var r = Pool(PoolingMode.MeanSqrtLen);
        float[] expected = { 9 / MathF.Sqrt(3), 12 / MathF.Sqrt(3), 1 / MathF.Sqrt(2), 2 / MathF.Sqrt(2) };
        for (int i = 0; i < 4; i++) Assert.AreEqual(expected[i], r[i], 1e-5f);
    }

    [TestMethod]
    public void SeveralModesConcatenateInClsMaxMeanOrder()
    {
        CollectionAssert.AreEqual(new float[] { 1, 2, 3, 4, /**/ -1, 0, 0.5f, 1 }, Pool(PoolingMode.Mean | PoolingMode.Cls));
        using var p = new PoolingModule(384, PoolingMode.Mean | PoolingMode.Max);
        Assert.AreEqual(768, p.SentenceEmbeddingDimension);
    }

    [TestMethod]
    public void WeightedMeanWeighsPositionsOneToT() =>
        // Sentence 1: (1*1 + 3*2 + 5*3) / 6 = 22/6, (2 + 8 + 18) / 6 = 28/6; sentence 2: (-1*1 + 2*2) / 3 = 1, (0 + 4) / 3.
        CollectionAssert.AreEqual(new[] { 22f / 6, 28f / 6, 1f, 4f / 3 }, Pool(PoolingMode.WeightedMean));

    [TestMethod]
    public void LastTokenTakesTheLastRealToken() => CollectionAssert.AreEqual(new float[] { 5, 6, 2, 2 }, Pool(PoolingMode.LastToken));

    [TestMethod]
    public void PromptTokensAreLeftOutOnlyWhenIncludePromptIsFalse()
    {
        // A prompt of length 1 masks position 0: sentence 1 averages positions 1-2, sentence 2 position 1 only.
        CollectionAssert.AreEqual(new float[] { 4, 5, 2, 2 }, Pool(PoolingMode.Mean, includePrompt: false, promptLength: 1));
        CollectionAssert.AreEqual(new float[] { 3, 4, 0.5f, 1 }, Pool(PoolingMode.Mean, includePrompt: true, promptLength: 1));
    }

    [TestMethod]
    public void NormalizeGivesUnitVectors()
    {
        var r = Pool(PoolingMode.Mean, normalize: true);
        Assert.AreEqual(0.6f, r[0], 1e-6f);
        Assert.AreEqual(0.8f, r[1], 1e-6f);
    }

    [TestMethod]
    [DataRow("mean", PoolingMode.Mean)]
    [DataRow("CLS", PoolingMode.Cls)]
    [DataRow("mean+max", PoolingMode.Mean | PoolingMode.Max)]
    [DataRow("mean_sqrt_len_tokens", PoolingMode.MeanSqrtLen)]
    [DataRow("weightedmean", PoolingMode.WeightedMean)]
    [DataRow("lasttoken", PoolingMode.LastToken)]
    public void ParsesNames(string text, PoolingMode expected) => Assert.AreEqual(expected, PoolingModes.Parse(text));

    [TestMethod]
    public void UnknownNameListsTheAcceptedOnes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => PoolingModes.Parse("avg"));
        StringAssert.Contains(e.Message, "mean");
    }
}
