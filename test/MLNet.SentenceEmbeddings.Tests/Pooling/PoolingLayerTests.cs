using MLNet.SentenceEmbeddings.Pooling;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Pooling;

[TestClass]
public class PoolingLayerTests
{
    // Two sentences, 3 positions, 2 dims; the second sentence has one padding position holding a large value
    // that mask-aware pooling must ignore.
    private static readonly float[] Tokens = { 1, 2, 3, 4, 5, 6, /* sentence 2 */ -1, 0, 2, 2, 100, 100 };
    private static readonly long[] Mask = { 1, 1, 1, 1, 1, 0 };

    private static float[] Pool(PoolingMode mode, bool normalize = false)
    {
        using var pooling = new PoolingLayer(2, mode, normalize);
        using var t = tensor(Tokens, new long[] { 2, 3, 2 });
        using var m = tensor(Mask, new long[] { 2, 3 });
        using var r = pooling.forward(t, m);
        return r.data<float>().ToArray();
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
        using var p = new PoolingLayer(384, PoolingMode.Mean | PoolingMode.Max, false);
        Assert.AreEqual(768, p.SentenceEmbeddingDimension);
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
    public void ParsesNames(string text, PoolingMode expected) => Assert.AreEqual(expected, PoolingModes.Parse(text));

    [TestMethod]
    public void UnknownNameListsTheAcceptedOnes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => PoolingModes.Parse("avg"));
        StringAssert.Contains(e.Message, "mean");
    }
}
