using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Onnx;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Onnx;

/// <summary>Exported graphs against the TorchSharp encoder they came from (ONNX Runtime runs them).</summary>
[TestClass]
public class OnnxExporterTests
{
    public TestContext TestContext { get; set; } = null!;

    private static double WorstCosine(float[][] expected, float[][] actual) =>
        Enumerable.Range(0, expected.Length).Min(i => Fixtures.Cos(expected[i], actual[i]));

    private static void AssertSameVectors(SentenceEncoder torch, OnnxSentenceEncoder onnx, IReadOnlyList<string?> sentences, string what)
    {
        var expected = torch.Encode(sentences);
        var actual = onnx.Encode(sentences);
        Assert.AreEqual(torch.Dimension, onnx.Dimension, what);
        double worst = WorstCosine(expected, actual);
        Assert.IsTrue(worst >= 0.9999, $"{what}: lowest cosine to TorchSharp {worst:F6} < 0.9999");
    }

    [TestMethod]
    public void MeanPoolingExportMatchesTorchSharpOn1000StsbSentences()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "model.onnx");
        Fixtures.MiniLm.ExportOnnx(path);
        using var onnx = OnnxSentenceEncoder.Load(path, new SentenceEncoderOptions { Threads = 2 });
        Assert.AreEqual(PoolingMode.Mean, onnx.Metadata.Pooling);
        AssertSameVectors(Fixtures.MiniLm, onnx, Fixtures.StsbSentences(1000), "all-MiniLM-L6-v2 (MEAN)");
    }

    [TestMethod]
    public void ClsPoolingExportMatchesTorchSharpOn1000StsbSentences()
    {
        using var onnx = Fixtures.Arctic.ToOnnxEncoder();
        Assert.AreEqual(PoolingMode.Cls, onnx.Metadata.Pooling);
        AssertSameVectors(Fixtures.Arctic, onnx, Fixtures.StsbSentences(1000), "snowflake-arctic-embed-xs (CLS)");
    }

    [TestMethod]
    public void DenseStepMatchesTheSameMathInTorchSharp()
    {
        // MiniLM pooled without normalisation, then a random 384 -> 256 Tanh Dense, then Normalize.
        using var pooled = SentenceEncoder.Load("default", new SentenceEncoderOptions { Normalize = false });
        var rng = new Random(5);
        const int inF = 384, outF = 256;
        var weight = Enumerable.Range(0, inF * outF).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray();
        var bias = Enumerable.Range(0, outF).Select(_ => (float)(rng.NextDouble() - 0.5) * 0.2f).ToArray();
        var basePlan = OnnxExportPlan.FromEncoder(pooled);
        var plan = basePlan with
        {
            Steps = new OnnxPostStep[] { basePlan.Steps[0], new OnnxDenseStep(inF, outF, weight, bias, OnnxActivation.Tanh), new OnnxNormalizeStep() },
        };
        Assert.AreEqual(outF, plan.Dimension);
        using var onnx = OnnxSentenceEncoder.FromBytes(OnnxExporter.ToBytes(plan), new SentenceEncoderOptions { Threads = 2 });

        var sentences = Fixtures.StsbSentences(1000);
        using var x = pooled.EncodeToTensor(sentences);                                         // (n, 384)
        using var w = tensor(weight, new long[] { outF, inF });
        using var b = tensor(bias, new long[] { outF });
        using var dense = nn.functional.linear(x, w, b).tanh();                                  // (n, 256)
        using var expectedTensor = nn.functional.normalize(dense, p: 2, dim: 1);
        var flat = expectedTensor.data<float>().ToArray();
        var expected = Enumerable.Range(0, sentences.Count).Select(i => flat.AsSpan(i * outF, outF).ToArray()).ToArray();
        double worst = WorstCosine(expected, onnx.Encode(sentences));
        Assert.IsTrue(worst >= 0.9999, $"Dense: lowest cosine to TorchSharp {worst:F6} < 0.9999");
    }

    [TestMethod]
    public void FineTunedModelExportMatchesTorchSharp()
    {
        using var encoder = SentenceEncoder.Load("default");
        var sentences = Fixtures.StsbSentences(1000);
        var before = encoder.Encode(sentences.Take(50).ToList());
        var pairs = Enumerable.Range(0, 16).Select(i => TrainingExample.Pair(sentences[2 * i]!, sentences[2 * i + 1]!, (i % 5) / 4.0)).ToList();
        new SiameseTrainer(encoder, new CosineSimilarityLoss(), new SiameseTrainingOptions { BatchSize = 8, Epochs = 1, LearningRate = 1e-4, Seed = 3 }).Train(pairs);
        var after = encoder.Encode(sentences.Take(50).ToList());
        Assert.IsTrue(WorstCosine(before, after) < 0.99999, "training must have changed the encoder, or this test proves nothing");

        string path = Path.Combine(Fixtures.NewTempDir(), "tuned.onnx");
        encoder.ExportOnnx(path);
        using var onnx = OnnxSentenceEncoder.Load(path, new SentenceEncoderOptions { Threads = 2 });
        AssertSameVectors(encoder, onnx, sentences, "fine-tuned all-MiniLM-L6-v2");
    }

    [TestMethod]
    public void MetadataRoundTrips()
    {
        var plan = OnnxExportPlan.FromEncoder(Fixtures.MiniLm) with
        {
            Prompts = new Dictionary<string, string> { ["query"] = "query: ", ["passage"] = "passage: " },
            DefaultPromptName = "query",
        };
        string path = Path.Combine(Fixtures.NewTempDir(), "model.onnx");
        OnnxExporter.Export(plan, path);
        var m = OnnxModelMetadata.Read(path);
        Assert.AreEqual(PoolingMode.Mean, m.Pooling);
        Assert.IsTrue(m.Normalize);
        Assert.AreEqual(Fixtures.MiniLm.Dimension, m.Dimension);
        Assert.AreEqual(Fixtures.MiniLm.Tokenizer.MaxSequenceLength, m.MaxSequenceLength);
        Assert.AreEqual(plan.DoLowerCase, m.DoLowerCase);
        Assert.AreEqual("bert", m.ModelType);
        Assert.AreEqual(OnnxPrecision.Float32, m.Precision);
        Assert.AreEqual(OnnxGraphNames.SentenceEmbedding, m.Output);
        CollectionAssert.AreEquivalent(plan.Prompts.ToList(), m.Prompts.ToList());
        Assert.AreEqual("query", m.DefaultPromptName);
        Assert.AreEqual(plan.VocabText, m.VocabText);
        Assert.AreEqual(OnnxModelMetadata.CurrentLibraryVersion, m.LibraryVersion);
        StringAssert.Contains(m.Modules, "\"Normalize\"");

        // ONNX Runtime sees the same pairs.
        using var onnx = OnnxSentenceEncoder.Load(path);
        Assert.AreEqual(m with { }, onnx.Metadata with { Prompts = m.Prompts });
        Assert.AreEqual(m.Prompts["passage"], onnx.Metadata.Prompts["passage"]);
    }

    [TestMethod]
    public void GraphHasDynamicAxesAndOneSentenceEmbeddingOutput()
    {
        using var session = new InferenceSession(OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.Tiny())));
        CollectionAssert.AreEquivalent(new[] { "input_ids", "attention_mask", "token_type_ids" }, session.InputMetadata.Keys.ToList());
        foreach (var input in session.InputMetadata.Values)
        {
            Assert.AreEqual(typeof(long), input.ElementType);
            CollectionAssert.AreEqual(new[] { -1, -1 }, input.Dimensions);
            CollectionAssert.AreEqual(new[] { "batch", "sequence" }, input.SymbolicDimensions);
        }
        var output = session.OutputMetadata.Single();
        Assert.AreEqual("sentence_embedding", output.Key);
        CollectionAssert.AreEqual(new[] { -1, Fixtures.TinyConfig.HiddenSize }, output.Value.Dimensions);
    }

    [TestMethod]
    public void SentenceTransformersLayoutHoldsTheTransformerAndItsInt8Variant()
    {
        var encoder = Fixtures.MiniLm;
        string folder = Fixtures.NewTempDir();
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => encoder.ExportSentenceTransformersOnnx(folder));
        encoder.Save(folder);
        var files = encoder.ExportSentenceTransformersOnnx(folder, int8: true);
        CollectionAssert.AreEqual(new[] { Path.Combine(folder, "onnx", "model.onnx"), Path.Combine(folder, "onnx", "model_qint8_avx512_vnni.onnx") }, files.ToList());

        // What optimum's ORTModelForFeatureExtraction feeds and reads: three int64 inputs, last_hidden_state (B, T, H).
        var sentences = Fixtures.StsbSentences(64);
        var expected = encoder.Encode(sentences);
        foreach (var file in files)
        {
            using var session = new InferenceSession(file);
            Assert.AreEqual("last_hidden_state", session.OutputMetadata.Single().Key);
            var actual = sentences.Select(s => MeanPooledNormalized(session, encoder.Tokenizer.Encode(s).InputIds)).ToArray();
            double worst = WorstCosine(expected, actual);
            TestContext.WriteLine($"{Path.GetFileName(file)}: lowest cosine to TorchSharp {worst:F6}");
            Assert.IsTrue(worst >= (file.Contains("qint8") ? 0.95 : 0.9999), $"{file}: lowest cosine {worst:F6}");
        }

        // The float32 file keeps Hugging Face's weight naming: the initializer reader gets the state dict back.
        using var stream = File.OpenRead(files[0]);
        var weights = OnnxInitializers.ReadBertStateDict(stream, files[0]);
        foreach (var w in StateDict.Export(encoder.Model))
            CollectionAssert.AreEqual(w.Data, weights[w.Name].Data, w.Name);
    }

    /// <summary>One sentence through a transformer-only graph, pooled and normalised here as sentence-transformers would.</summary>
    private static float[] MeanPooledNormalized(InferenceSession session, int[] ids)
    {
        int t = ids.Length;
        var shape = new[] { 1, t };
        var feeds = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.Select(i => (long)i).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, t).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[t], shape)),
        };
        using var outputs = session.Run(feeds);
        var hidden = outputs.Single().AsTensor<float>();
        int h = (int)hidden.Dimensions[2];
        var v = new float[h];
        for (int k = 0; k < t; k++) for (int d = 0; d < h; d++) v[d] += hidden[0, k, d] / t;
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / norm).ToArray();
    }

    [TestMethod]
    public void PlanWhoseDenseDoesNotFitFailsNamingTheStep()
    {
        var plan = OnnxExportPlan.FromEncoder(Fixtures.Tiny());
        var bad = plan with { Steps = new OnnxPostStep[] { plan.Steps[0], new OnnxDenseStep(7, 3, new float[21], null, OnnxActivation.Identity) } };
        var e = Assert.ThrowsExactly<ArgumentException>(() => OnnxExporter.ToBytes(bad));
        StringAssert.Contains(e.Message, "Steps[1]");
        StringAssert.Contains(e.Message, "in_features 7");
        var noPooling = plan with { Steps = new OnnxPostStep[] { new OnnxNormalizeStep() } };
        Assert.ThrowsExactly<ArgumentException>(() => OnnxExporter.ToBytes(noPooling));
    }
}
