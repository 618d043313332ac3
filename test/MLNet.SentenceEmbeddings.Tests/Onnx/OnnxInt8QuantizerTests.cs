using MLNet.SentenceEmbeddings.Onnx;

namespace MLNet.SentenceEmbeddings.Tests.Onnx;

[TestClass]
public class OnnxInt8QuantizerTests
{
    [TestMethod]
    public void PerChannelWeightsRoundTripWithinHalfAStep()
    {
        var rng = new Random(1);
        const int rows = 16, cols = 5;
        var w = Enumerable.Range(0, rows * cols).Select(i => (float)(rng.NextDouble() - 0.5) * (1 + i % cols)).ToArray();
        for (int r = 0; r < rows; r++) w[r * cols + 4] = 0; // an all-zero column
        var (q, scales) = OnnxInt8Quantizer.QuantizeSymmetric(w, rows, cols, perChannel: true, qmax: 127);
        Assert.AreEqual(cols, scales.Length);
        Assert.AreEqual(1f, scales[4], "an all-zero column keeps scale 1 (no division by zero)");
        for (int c = 0; c < 4; c++)
        {
            float maxAbs = Enumerable.Range(0, rows).Max(r => Math.Abs(w[r * cols + c]));
            Assert.AreEqual(maxAbs / 127, scales[c], 1e-7f);
            Assert.AreEqual(127, Enumerable.Range(0, rows).Max(r => Math.Abs((int)q[r * cols + c])), $"column {c} uses the full range");
        }
        for (int i = 0; i < w.Length; i++)
            Assert.IsTrue(Math.Abs(q[i] * scales[i % cols] - w[i]) <= scales[i % cols] / 2 + 1e-7f, $"element {i}");
    }

    [TestMethod]
    public void ReducedRangeStaysWithinSevenBits()
    {
        var w = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray();
        var (q, _) = OnnxInt8Quantizer.QuantizeSymmetric(w, 8, 8, perChannel: true, qmax: 63);
        Assert.IsTrue(q.All(v => v is >= -63 and <= 63));
        Assert.IsTrue(q.Any(v => Math.Abs((int)v) == 63));
    }

    [TestMethod]
    public void DefaultInt8GraphQuantizesAttentionWithQAttentionAndTheRestWithStandardOperators()
    {
        var model = OnnxExporter.Build(OnnxExportPlan.FromEncoder(Fixtures.Tiny()), new OnnxExportOptions { Precision = OnnxPrecision.Int8 });
        int layers = Fixtures.TinyConfig.NumHiddenLayers;
        Assert.AreEqual(layers, model.Graph.Node.Count(n => n.OpType == "QAttention" && n.Domain == "com.microsoft"));
        // Attention output, FFN up and FFN down per layer.
        Assert.AreEqual(3 * layers, model.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.IsFalse(model.Graph.Node.Any(n => n.OpType == "MatMul"), "every product with a constant weight is int8");
        Assert.AreEqual("int8", model.MetadataProps.Single(p => p.Key == "precision").Value);
    }

    [TestMethod]
    public void StandardOperatorsOnlyInt8GraphNeedsNoContribOperators()
    {
        var options = new OnnxExportOptions { Precision = OnnxPrecision.Int8, StandardOperatorsOnly = true };
        var model = OnnxExporter.Build(OnnxExportPlan.FromEncoder(Fixtures.Tiny()), options);
        Assert.IsTrue(model.Graph.Node.All(n => n.Domain == ""), "a standard-op graph runs on any ONNX runtime");
        Assert.AreEqual(Fixtures.TinyConfig.NumHiddenLayers * 6, model.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.IsFalse(model.OpsetImport.Any(o => o.Domain == "com.microsoft"));
        // float32 graphs are standard whatever the int8 options say.
        var fp32 = OnnxExporter.Build(OnnxExportPlan.FromEncoder(Fixtures.Tiny()), new OnnxExportOptions());
        Assert.IsTrue(fp32.Graph.Node.All(n => n.Domain == ""));
    }

    [TestMethod]
    public void EveryKernelFormComputesTheSameProducts()
    {
        // The forms differ in operators, not in arithmetic: same weights, same per-batch input quantization.
        using var tiny = Fixtures.Tiny(seed: 9);
        var plan = OnnxExportPlan.FromEncoder(tiny);
        var int8 = new OnnxExportOptions { Precision = OnnxPrecision.Int8 };
        var sentences = Fixtures.StsbSentences(40);
        float[][] Run(Int8Settings s)
        {
            using var e = OnnxSentenceEncoder.FromBytes(OnnxFiles.ToBytes(OnnxExporter.Build(plan, int8, s)));
            return e.Encode(sentences);
        }
        var reference = Run(new Int8Settings());
        foreach (var s in new[]
                 {
                     new Int8Settings(Kernel: Int8Kernel.DynamicQuantizeMatMul),
                     new Int8Settings(Kernel: Int8Kernel.DynamicQuantizeMatMul, MergeProjections: true),
                     new Int8Settings(FusedAttention: true),
                     new Int8Settings(MultiHeadAttention: true),
                     Int8Settings.For(new OnnxExportOptions { Precision = OnnxPrecision.Int8 }),
                 })
        {
            var other = Run(s);
            double worst = Enumerable.Range(0, sentences.Count).Min(i => Fixtures.Cos(reference[i], other[i]));
            Assert.IsTrue(worst >= 0.999, $"{s}: lowest cosine to the default int8 graph {worst:F6}");
        }
    }

    [TestMethod]
    public void MergedProjectionsLeaveFloat32ResultsUnchanged()
    {
        using var tiny = Fixtures.Tiny(seed: 2);
        var plan = OnnxExportPlan.FromEncoder(tiny);
        var model = OnnxExporter.Build(plan, new OnnxExportOptions());
        int matmuls = model.Graph.Node.Count(n => n.OpType == "MatMul");
        OnnxInt8Quantizer.MergeSiblingProjections(model.Graph);
        Assert.AreEqual(matmuls - 2 * Fixtures.TinyConfig.NumHiddenLayers, model.Graph.Node.Count(n => n.OpType == "MatMul"), "query, key, value: three products become one per layer");
        using var merged = OnnxSentenceEncoder.FromBytes(OnnxFiles.ToBytes(model));
        var sentences = Fixtures.StsbSentences(20);
        var expected = tiny.Encode(sentences);
        var actual = merged.Encode(sentences);
        for (int i = 0; i < sentences.Count; i++) Assert.IsTrue(Fixtures.Cos(expected[i], actual[i]) >= 0.9999, $"row {i}");
    }
}
