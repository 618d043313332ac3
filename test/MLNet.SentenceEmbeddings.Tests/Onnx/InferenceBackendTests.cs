using MLNet.SentenceEmbeddings.Onnx;
using MLNet.SentenceEmbeddings.Tokenization;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.Tests.Onnx;

/// <summary><see cref="SentenceEncoderOptions.Backend"/>: a <see cref="SentenceEncoder"/> whose Encode runs on ONNX Runtime.</summary>
[TestClass]
public class InferenceBackendTests
{
    private static readonly string[] Sentences =
    {
        "A man is playing a guitar.", "A woman is slicing an onion.", "Someone plays the guitar.", "The stock market fell today.",
        "A person cuts vegetables.", "Shares dropped sharply.", "A dog runs in the park.",
    };

    private static string TinyFolder()
    {
        string folder = Path.Combine(Fixtures.NewTempDir(), "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(folder);
        return folder;
    }

    private static void AssertClose(float[][] expected, float[][] actual, double min, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int i = 0; i < expected.Length; i++)
        {
            double cos = Fixtures.Cos(expected[i], actual[i]);
            Assert.IsTrue(cos >= min, $"{what}: sentence {i} cosine {cos:F6} < {min}");
        }
    }

    [TestMethod]
    public void OnnxRuntimeEncodesAsTorchSharpDoesWithPromptsAndThroughTheGenerator()
    {
        string folder = TinyFolder();
        using var torchEncoder = SentenceEncoder.Load(folder, new SentenceEncoderOptions { BatchSize = 3 });
        using var onnx = SentenceEncoder.Load(folder, new SentenceEncoderOptions { BatchSize = 3, Backend = InferenceBackend.OnnxRuntime });
        Assert.AreEqual(InferenceBackend.TorchSharp, torchEncoder.Backend);
        Assert.AreEqual(InferenceBackend.OnnxRuntime, onnx.Backend);

        var actual = onnx.Encode(Sentences);
        AssertClose(torchEncoder.Encode(Sentences), actual, 0.9999, "fp32");
        Assert.AreEqual(3, onnx.ForwardPasses, "7 sentences in batches of 3 are 3 ONNX Runtime runs");
        // The same graph run directly: the backend adds nothing of its own.
        using (var direct = torchEncoder.ToOnnxEncoder(OnnxPrecision.Float32, new SentenceEncoderOptions { BatchSize = 3 }))
        {
            var d = direct.Encode(Sentences);
            for (int i = 0; i < d.Length; i++) CollectionAssert.AreEqual(d[i], actual[i], $"sentence {i}");
        }
        var prompt = Prompt.Literal("query: ");
        AssertClose(torchEncoder.Encode(Sentences, prompt), onnx.Encode(Sentences, prompt), 0.9999, "prompted");

        using var generator = SentenceEmbeddingGenerator.Load(folder, new SentenceEncoderOptions { BatchSize = 3, Backend = InferenceBackend.OnnxRuntime });
        var generated = generator.GenerateAsync(Sentences).GetAwaiter().GetResult().Select(e => e.Vector.ToArray()).ToArray();
        for (int i = 0; i < generated.Length; i++) CollectionAssert.AreEqual(actual[i], generated[i], $"generator, sentence {i}");
    }

    [TestMethod]
    public void Int8RunsTheInt8Graph()
    {
        string folder = TinyFolder();
        using var int8 = SentenceEncoder.Load(folder, new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime, Precision = Precision.Int8 });
        using var fp32 = SentenceEncoder.Load(folder, new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime });
        using var direct = fp32.ToOnnxEncoder(OnnxPrecision.Int8, new SentenceEncoderOptions());
        var a = int8.Encode(Sentences);
        var expected = direct.Encode(Sentences);
        for (int i = 0; i < a.Length; i++) CollectionAssert.AreEqual(expected[i], a[i], $"sentence {i}");
        var f = fp32.Encode(Sentences);
        Assert.IsTrue(Enumerable.Range(0, a.Length).Any(i => !a[i].SequenceEqual(f[i])), "int8 vectors must differ from fp32 ones somewhere");
        AssertClose(f, a, 0.9, "int8 against fp32");
        Assert.AreEqual(Precision.Int8, int8.Options.Precision);
    }

    [TestMethod]
    public void TrainingStepsReachTheGraphBeforeTheNextEncode()
    {
        using var onnx = Fixtures.Tiny(options: new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime });
        var before = onnx.Encode(Sentences);

        // One gradient step, as a trainer takes it: Forward with gradients on, then the weights change.
        var (inputs, _) = onnx.Tokenize(Sentences);
        using (var batch = TokenBatch.Pad(inputs, onnx.Tokenizer.PadTokenId))
        using (var output = onnx.Forward(batch))
        using (var loss = output.sum())
            loss.backward();
        using (torch.no_grad())
            foreach (var p in onnx.Modules.parameters())
                if (p.grad is { } g) p.sub_(g * 10);

        var after = onnx.Encode(Sentences);
        Assert.IsTrue(Enumerable.Range(0, after.Length).Any(i => Fixtures.Cos(before[i], after[i]) < 0.999), "the step must change the vectors");
        string folder = Path.Combine(Fixtures.NewTempDir(), "stepped");
        onnx.Save(folder);
        using var reference = SentenceEncoder.Load(folder);
        AssertClose(reference.Encode(Sentences), after, 0.9999, "after the step");
    }

    [TestMethod]
    public void PrecisionsOfTheOtherBackendFailNamingTheProperty()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => SentenceEncoder.Load("default", new SentenceEncoderOptions { Precision = Precision.Int8 }));
        Assert.AreEqual("Precision", e.ParamName);
        StringAssert.Contains(e.Message, "OnnxRuntime");
        e = Assert.ThrowsExactly<ArgumentException>(() => SentenceEncoder.Load("default",
            new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime, Precision = Precision.BFloat16 }));
        Assert.AreEqual("Precision", e.ParamName);
        StringAssert.Contains(e.Message, "TorchSharp");
        e = Assert.ThrowsExactly<ArgumentException>(() => SentenceEncoder.Load("default",
            new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime, Device = "cuda" }));
        Assert.AreEqual("Device", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentException>(() => SentenceEmbeddings.CrossEncoding.CrossEncoder.Load("default", options: new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime }));
        Assert.AreEqual("Backend", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { Precision = Precision.Int8 }.Validate());
        Assert.AreEqual("Precision", e.ParamName);
        // The torch-free encoder takes Int8 whatever Backend says, and refuses it for a float32 file.
        var bytes = OnnxExporter.ToBytes(OnnxExportPlan.FromEncoder(Fixtures.Tiny()));
        e = Assert.ThrowsExactly<ArgumentException>(() => OnnxSentenceEncoder.FromBytes(bytes, new SentenceEncoderOptions { Precision = Precision.Int8 }));
        StringAssert.Contains(e.Message, "float32");
    }
}
