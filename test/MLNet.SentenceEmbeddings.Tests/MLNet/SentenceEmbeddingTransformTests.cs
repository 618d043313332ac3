using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Tests.MLNetIntegration;

[TestClass]
public class SentenceEmbeddingTransformTests
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";
        public string Other { get; set; } = "";
        public float Number { get; set; }
    }

    public sealed class VectorRow
    {
        [VectorType(384)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    private static List<TextRow> Rows(int n) =>
        Fixtures.StsbSentences(n).Select((s, i) => new TextRow { Text = s!, Other = $"row {i}", Number = i }).ToList();

    private static SentenceEmbeddingOptions Shared(params InputOutputColumnPair[] columns) =>
        new() { Columns = columns, EncoderInstance = Fixtures.MiniLm };

    [TestMethod]
    public void OutputSchemaHasAKnownSizeVectorColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(3));
        var estimator = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("Features", "Text")));
        var shape = estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
        Assert.IsTrue(shape.Any(c => c.Name == "Features" && c.Kind == SchemaShape.Column.VectorKind.Vector && c.ItemType == NumberDataViewType.Single));
        using var transformer = estimator.Fit(data);
        var schema = transformer.GetOutputSchema(data.Schema);
        var type = (VectorDataViewType)schema["Features"].Type;
        Assert.AreEqual(384, type.Size);
        Assert.AreEqual(NumberDataViewType.Single, type.ItemType);
        Assert.IsNotNull(schema.GetColumnOrNull("Other"), "input columns pass through");
    }

    [TestMethod]
    public void MissingOrNonTextInputColumnsFailAtSchemaTimeNamingTheColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(2));
        var missing = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("F", "Nope")));
        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => missing.Fit(data));
        StringAssert.Contains(e1.Message, "'Nope'");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => missing.GetOutputSchema(SchemaShape.Create(data.Schema)));
        var numeric = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("F", "Number")));
        var e2 = Assert.ThrowsExactly<InvalidOperationException>(() => numeric.Fit(data));
        StringAssert.Contains(e2.Message, "'Number'");
        Assert.ThrowsExactly<InvalidOperationException>(() => numeric.GetOutputSchema(SchemaShape.Create(data.Schema)));
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("F", "Text"))).Fit(data);
        var otherData = ml.Data.LoadFromEnumerable(new[] { new { Title = "x" } });
        var e3 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => transformer.Transform(otherData));
        StringAssert.Contains(e3.Message, "'Text'");
    }

    [TestMethod]
    public void TransformIsLazyBatchedAndEqualToTheCoreEncoder()
    {
        var ml = new MLContext(1);
        var rows = Rows(300);
        var data = ml.Data.LoadFromEnumerable(rows);
        var encoder = Fixtures.MiniLm;
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("Features", "Text"))).Fit(data);
        long before = encoder.ForwardPasses;
        var transformed = transformer.Transform(data);
        Assert.AreEqual(before, encoder.ForwardPasses, "Transform must not compute anything");
        var vectors = ml.Data.CreateEnumerable<VectorRow>(transformed, reuseRowObject: false).ToList();
        long passes = encoder.ForwardPasses - before;
        Assert.AreEqual(rows.Count, vectors.Count);
        Assert.IsTrue(passes <= 12, $"{passes} forward passes for 300 rows: batching expected (300 / 32 = 10 batches)");
        var expected = encoder.Encode(rows.Select(r => (string?)r.Text).ToList());
        for (int i = 0; i < rows.Count; i++)
            Assert.IsTrue(Fixtures.Cos(expected[i], vectors[i].Features) >= 0.99999, $"row {i}");
    }

    [TestMethod]
    public void ReadingOnlyPassThroughColumnsComputesNothing()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(50));
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("Features", "Text"))).Fit(data);
        long before = Fixtures.MiniLm.ForwardPasses;
        var others = transformer.Transform(data).GetColumn<string>("Other").ToList();
        Assert.AreEqual(50, others.Count);
        Assert.AreEqual("row 49", others[^1]);
        Assert.AreEqual(before, Fixtures.MiniLm.ForwardPasses);
    }

    [TestMethod]
    public void SeveralColumnPairsEmbedEachColumn()
    {
        var ml = new MLContext(1);
        var rows = Rows(20);
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(
            new InputOutputColumnPair("A", "Text"), new InputOutputColumnPair("B", "Other"))).Fit(data);
        var view = transformer.Transform(data);
        var a = view.GetColumn<float[]>("A").ToList();
        var b = view.GetColumn<float[]>("B").ToList();
        var expectedB = Fixtures.MiniLm.Encode(rows.Select(r => (string?)r.Other).ToList());
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.IsTrue(Fixtures.Cos(expectedB[i], b[i]) >= 0.99999);
            Assert.IsTrue(Fixtures.Cos(a[i], b[i]) < 0.99);
        }
    }

    [TestMethod]
    public void PredictionEngineEmbedsSingleRows()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(5));
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("Features", "Text"))).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<TextRow, VectorRow>(transformer);
        foreach (var s in new[] { "A man is playing a guitar.", "The cat sleeps." })
        {
            var got = engine.Predict(new TextRow { Text = s }).Features;
            Assert.IsTrue(Fixtures.Cos(Fixtures.MiniLm.Encode(s), got) >= 0.99999);
        }
    }

    [TestMethod]
    public void CancellationStopsBetweenBatches()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(100));
        using var cts = new CancellationTokenSource();
        var options = Shared(new InputOutputColumnPair("Features", "Text"));
        options.CancellationToken = cts.Token;
        using var transformer = ml.Transforms.SentenceEmbedding(options).Fit(data);
        cts.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => transformer.Transform(data).GetColumn<float[]>("Features").ToList());
    }

    [TestMethod]
    public void CancellingTheMLContextStopsTheTransform()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(10));
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("Features", "Text"))).Fit(data);
        ml.CancelExecution(); // internal in ML.NET 5.0.1 (AutoML calls it); the tests compile against the publicized copy
        Assert.ThrowsExactly<OperationCanceledException>(() => transformer.Transform(data).GetColumn<float[]>("Features").ToList());
    }

    [TestMethod]
    public void LogsBatchesAndTruncationsThroughTheMLContext()
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var rows = new[] { new TextRow { Text = string.Join(' ', Enumerable.Repeat("word", 600)) }, new TextRow { Text = "short" } };
        var data = ml.Data.LoadFromEnumerable(rows);
        using var transformer = ml.Transforms.SentenceEmbedding(Shared(new InputOutputColumnPair("Features", "Text"))).Fit(data);
        _ = transformer.Transform(data).GetColumn<float[]>("Features").ToList();
        Assert.IsTrue(messages.Any(m => m.Contains("embedded 2 row(s)")), string.Join("\n", messages));
        Assert.IsTrue(messages.Any(m => m.Contains("1 of 2 row(s) truncated to 256 tokens")), string.Join("\n", messages));
    }
}
