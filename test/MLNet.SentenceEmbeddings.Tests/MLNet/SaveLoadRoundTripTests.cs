using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Tests.MLNetIntegration;

[TestClass]
public class SaveLoadRoundTripTests
{
    public sealed class LabeledText
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    private static string LoadAppPath => typeof(SaveLoadRoundTripTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LoadAppPath").Value!;

    private static (int Code, string Output) RunLoadApp(params string[] args)
    {
        var (code, stdout, stderr) = ChildProcess.RunDll(LoadAppPath, args);
        return (code, stdout + stderr);
    }

    [TestMethod]
    public void ChainSavedToZipLoadsInAFreshProcessWithIdenticalVectorsAndBatching()
    {
        Assert.IsTrue(File.Exists(LoadAppPath), $"load app not built: {LoadAppPath}");
        var ml = new MLContext(1);
        var sentences = Fixtures.StsbSentences(100);
        var rows = sentences.Select((s, i) => new LabeledText { Text = s!, Label = i % 2 == 0 }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.SentenceEmbedding(new SentenceEmbeddingOptions
            {
                Columns = new[] { new InputOutputColumnPair("Features", "Text") }, Model = "default", Encoder = new SentenceEncoderOptions { BatchSize = 16 },
            })
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l1Regularization: 0, l2Regularization: 0.01f));
        var model = pipeline.Fit(data);
        var before = model.Transform(data).GetColumn<float[]>("Features").ToList();

        string dir = Fixtures.NewTempDir();
        string zip = Path.Combine(dir, "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        using (var archive = ZipFile.OpenRead(zip))
        {
            Assert.IsTrue(archive.Entries.Any(e => e.Length > 50_000_000), "the encoder's weights must be inside the zip");
        }
        Assert.AreEqual(1, Directory.GetFiles(dir).Length, "nothing but the zip is written");
        foreach (var t in model.OfType<IDisposable>()) t.Dispose();

        string input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "out.tsv");
        File.WriteAllLines(input, sentences.Select(s => s!));
        var (code, log) = RunLoadApp(zip, input, output);
        Assert.AreEqual(0, code, log);
        StringAssert.Contains(log, "EXTENSION_LOADED_BEFORE_LOAD False");
        StringAssert.Contains(log, "PART MLNet.SentenceEmbeddings.MLNet.SentenceEmbeddingTransformer");
        long passes = long.Parse(log.Split('\n').Single(l => l.StartsWith("FORWARD_PASSES")).Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.IsTrue(passes is > 0 and <= 8, $"{passes} forward passes for 100 rows after load: batch size 16 must survive the round trip");
        var after = File.ReadAllLines(output).Select(l => l.Split('\t').Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.AreEqual(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++) CollectionAssert.AreEqual(before[i], after[i], $"row {i}");
    }

    [TestMethod]
    public void StandaloneTransformerRoundTripsInProcessWithItsOptions()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new LabeledText { Text = "A man is playing a guitar." } });
        using var tiny = Fixtures.Tiny();
        using var transformer = ml.Transforms.SentenceEmbedding(new SentenceEmbeddingOptions
        {
            Columns = new[] { new InputOutputColumnPair("A", "Text"), new InputOutputColumnPair("B", "Text") }, EncoderInstance = tiny,
        }).Fit(data);
        string zip = Path.Combine(Fixtures.NewTempDir(), "t.zip");
        ml.Model.Save(transformer, data.Schema, zip);
        var loaded = (SentenceEmbeddingTransformer)ml.Model.Load(zip, out var schema);
        using (loaded)
        {
            CollectionAssert.AreEqual(new[] { "A", "B" }, loaded.Columns.Select(c => c.OutputColumnName).ToArray());
            Assert.AreEqual(tiny.Dimension, loaded.Dimension);
            Assert.AreEqual(64, loaded.Encoder.Tokenizer.MaxSequenceLength);
            var a = transformer.Transform(data).GetColumn<float[]>("B").Single();
            var b = loaded.Transform(data).GetColumn<float[]>("B").Single();
            CollectionAssert.AreEqual(a, b);
            Assert.IsNotNull(schema.GetColumnOrNull("Text"));
        }
    }

    [TestMethod]
    public void OnnxRuntimeBackendAndInt8AreKeptByTheZip()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { new LabeledText { Text = "A man is playing a guitar." }, new LabeledText { Text = "Shares fell." } });
        string dir = Fixtures.NewTempDir(), folder = Path.Combine(dir, "tiny");
        using (var tiny = Fixtures.Tiny()) tiny.Save(folder);
        using var transformer = ml.Transforms.SentenceEmbedding(new SentenceEmbeddingOptions
        {
            Columns = new[] { new InputOutputColumnPair("E", "Text") }, Model = folder,
            Encoder = new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime, Precision = Precision.Int8 },
        }).Fit(data);
        Assert.AreEqual(InferenceBackend.OnnxRuntime, transformer.Encoder.Backend);
        string zip = Path.Combine(dir, "t.zip");
        ml.Model.Save(transformer, data.Schema, zip);
        using var loaded = (SentenceEmbeddingTransformer)ml.Model.Load(zip, out _);
        Assert.AreEqual(InferenceBackend.OnnxRuntime, loaded.Encoder.Backend);
        Assert.AreEqual(Precision.Int8, loaded.Encoder.Options.Precision);
        var a = transformer.Transform(data).GetColumn<float[]>("E").ToList();
        var b = loaded.Transform(data).GetColumn<float[]>("E").ToList();
        for (int i = 0; i < a.Count; i++) CollectionAssert.AreEqual(a[i], b[i], $"row {i}");
    }
}
