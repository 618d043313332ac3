using MLNet.SentenceEmbeddings.Onnx;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Tests.Onnx;

/// <summary>The ONNX Runtime backend: int8 against fp32, truncation, batching, and the options a baked graph cannot honour.</summary>
[TestClass]
public class OnnxSentenceEncoderTests
{
    public TestContext TestContext { get; set; } = null!;

    private static readonly Lazy<byte[]> MiniLmFp32 = new(() => OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.MiniLm)));

    private static string WriteTemp(byte[] bytes, string name = "model.onnx")
    {
        string path = Path.Combine(Fixtures.NewTempDir(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [TestMethod]
    public void Int8StaysCloseToFp32OnEverySentence()
    {
        var sentences = Fixtures.StsbSentences(1000);
        using var fp32 = OnnxSentenceEncoder.FromBytes(MiniLmFp32.Value, new SentenceEncoderOptions { Threads = 2 });
        using var int8 = Fixtures.MiniLm.ToOnnxEncoder(OnnxPrecision.Int8, new SentenceEncoderOptions { Threads = 2 });
        Assert.AreEqual(OnnxPrecision.Int8, int8.Precision);
        var a = fp32.Encode(sentences);
        var b = int8.Encode(sentences);
        var cosines = Enumerable.Range(0, sentences.Count).Select(i => Fixtures.Cos(a[i], b[i])).ToList();
        double min = cosines.Min(), mean = cosines.Average();
        TestContext.WriteLine($"int8 vs fp32 over {sentences.Count} STSb sentences: cosine min {min:F5}, mean {mean:F5}");
        // Measured 0.989 / 0.994 on all-MiniLM-L6-v2 (docs/onnx.md); the floors leave room for other CPUs' int8 kernels.
        Assert.IsTrue(min >= 0.97, $"lowest int8 cosine {min:F5} < 0.97");
        Assert.IsTrue(mean >= 0.99, $"mean int8 cosine {mean:F5} < 0.99");
        Assert.IsTrue(cosines.Any(c => c < 0.99999), "int8 equal to fp32 everywhere: the quantizer did nothing");
    }

    [TestMethod]
    public void InputLongerThanTheMaximumIsTruncatedAsTorchSharpTruncatesIt()
    {
        string longText = string.Join(" ", Enumerable.Repeat("The quick brown fox jumps over the lazy dog near the river bank.", 40));
        var torch = Fixtures.MiniLm;
        using var onnx = OnnxSentenceEncoder.FromBytes(MiniLmFp32.Value);
        Assert.AreEqual(torch.Tokenizer.MaxSequenceLength, onnx.Tokenizer.MaxSequenceLength);
        long torchBefore = torch.TruncatedCount, onnxBefore = onnx.TruncatedCount;
        var expected = torch.Encode(longText);
        var actual = onnx.Encode(longText);
        Assert.AreEqual(1, torch.TruncatedCount - torchBefore);
        Assert.AreEqual(1, onnx.TruncatedCount - onnxBefore);
        Assert.IsTrue(Fixtures.Cos(expected, actual) >= 0.9999, $"cosine {Fixtures.Cos(expected, actual):F6}");
        // Truncation keeps the first tokens: the same as embedding the kept prefix.
        var ids = onnx.Tokenizer.Encode(longText);
        Assert.AreEqual(onnx.Tokenizer.MaxSequenceLength, ids.Length);
        Assert.IsTrue(ids.Truncated);

        // A shorter maximum set in the options cuts there on both backends.
        using var shortTorch = SentenceEncoder.Load("default", new SentenceEncoderOptions { MaxSequenceLength = 16 });
        using var shortOnnx = OnnxSentenceEncoder.FromBytes(MiniLmFp32.Value, new SentenceEncoderOptions { MaxSequenceLength = 16 });
        Assert.AreEqual(16, shortOnnx.Tokenizer.Encode(longText).Length);
        Assert.IsTrue(Fixtures.Cos(shortTorch.Encode(longText), shortOnnx.Encode(longText)) >= 0.9999);
        Assert.IsTrue(Fixtures.Cos(shortOnnx.Encode(longText), actual) < 0.9999, "16 and 256 tokens must give different vectors");
    }

    [TestMethod]
    public void BatchingAndSortingDoNotChangeTheVectors()
    {
        using var tiny = Fixtures.Tiny(seed: 4);
        var bytes = OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(tiny));
        var sentences = Fixtures.StsbSentences(10).Append(null).Append("").ToList();
        using var one = OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { BatchSize = 1 });
        using var four = OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { BatchSize = 4, SortByLength = false });
        using var sorted = OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { BatchSize = 5 });
        var a = one.Encode(sentences);
        var b = four.Encode(sentences);
        var c = sorted.Encode(sentences);
        Assert.AreEqual(12, one.ForwardPasses);
        Assert.AreEqual(3, four.ForwardPasses);
        Assert.AreEqual(3, sorted.ForwardPasses);
        var expected = tiny.Encode(sentences);
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.IsTrue(Fixtures.Cos(a[i], b[i]) >= 0.99999 && Fixtures.Cos(a[i], c[i]) >= 0.99999, $"row {i} depends on batching");
            Assert.IsTrue(Fixtures.Cos(expected[i], a[i]) >= 0.9999, $"row {i} differs from TorchSharp");
        }
    }

    [TestMethod]
    public void OptionsTheGraphCannotHonourFailNamingWhy()
    {
        var bytes = MiniLmFp32.Value;
        var e = Assert.ThrowsExactly<ArgumentException>(() => OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { Pooling = PoolingMode.Cls }));
        StringAssert.Contains(e.Message, "mean");
        e = Assert.ThrowsExactly<ArgumentException>(() => OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { Normalize = false }));
        StringAssert.Contains(e.Message, "normalises");
        e = Assert.ThrowsExactly<ArgumentException>(() => OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { Precision = Precision.BFloat16 }));
        StringAssert.Contains(e.Message, "BFloat16");
        e = Assert.ThrowsExactly<ArgumentException>(() => OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { Device = "cuda" }));
        StringAssert.Contains(e.Message, "cuda");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { MaxSequenceLength = 300 }));
        // Options equal to the graph's are fine.
        using var same = OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { Pooling = PoolingMode.Mean, Normalize = true });
    }

    [TestMethod]
    public void FilesItCannotRunFailNamingTheFile()
    {
        // The packaged MiniLM ONNX is a transformer without our metadata.
        var model = SentenceEmbeddings.Checkpoints.PretrainedModels.AllMiniLmL6V2;
        using var ms = new MemoryStream();
        using (var s = model.OpenResource(model.OnnxResource)) s.CopyTo(ms);
        string foreign = WriteTemp(ms.ToArray(), "foreign.onnx");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxSentenceEncoder.Load(foreign));
        StringAssert.Contains(e.Message, foreign);

        string noVocabulary = WriteTemp(OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.Tiny()), new OnnxExportOptions { IncludeVocabulary = false }));
        e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxSentenceEncoder.Load(noVocabulary));
        StringAssert.Contains(e.Message, "vocabulary");
        using var withTokenizer = OnnxSentenceEncoder.FromBytes(File.ReadAllBytes(noVocabulary), tokenizer: Fixtures.Tiny().Tokenizer);
        Assert.AreEqual(Fixtures.TinyConfig.HiddenSize, withTokenizer.Encode("works").Length);

        Assert.ThrowsExactly<FileNotFoundException>(() => OnnxSentenceEncoder.Load(Path.Combine(Fixtures.NewTempDir(), "missing.onnx")));
        string garbage = WriteTemp(new byte[] { 1, 2, 3, 4, 5 }, "garbage.onnx");
        e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxSentenceEncoder.Load(garbage));
        StringAssert.Contains(e.Message, garbage);
    }

    [TestMethod]
    public void LoadsAFolderHoldingModelOnnx()
    {
        string folder = Path.GetDirectoryName(WriteTemp(OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.Tiny()))))!;
        using var onnx = OnnxSentenceEncoder.Load(folder);
        Assert.AreEqual(Fixtures.TinyConfig.HiddenSize, onnx.Dimension);
    }

    [TestMethod]
    public void CancellationStopsBetweenBatches()
    {
        using var onnx = OnnxSentenceEncoder.FromBytes(OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.Tiny())));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => onnx.Encode(new[] { "a", "b" }, cts.Token));
        Assert.AreEqual(0, onnx.ForwardPasses);
    }

    [TestMethod]
    public void DisposedEncoderRefusesWork()
    {
        var onnx = OnnxSentenceEncoder.FromBytes(OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.Tiny())));
        onnx.Dispose();
        onnx.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => onnx.Encode("late"));
    }
}
