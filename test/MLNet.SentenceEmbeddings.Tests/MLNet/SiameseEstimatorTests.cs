using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.MLNetIntegration;

[TestClass]
public class SiameseEstimatorTests
{
    public sealed class ScoredPair
    {
        public string Sentence1 { get; set; } = "";
        public string Sentence2 { get; set; } = "";
        public float Score { get; set; }
    }

    private static readonly string[] Words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread" };

    private static List<ScoredPair> Pairs(int n) => Enumerable.Range(0, n)
        .Select(i => new ScoredPair { Sentence1 = $"the {Words[i % 8]} is here", Sentence2 = $"a {Words[(i * 3) % 8]} is there", Score = i % 8 == (i * 3) % 8 ? 5f : 1f })
        .ToList();

    private static string TinyFolder()
    {
        string dir = Path.Combine(Fixtures.NewTempDir(), "tiny");
        using var tiny = Fixtures.Tiny(seed: 11);
        tiny.Save(dir);
        return dir;
    }

    private static SiameseEstimatorOptions Options(string baseModel, TrainingObjective objective = TrainingObjective.Regression, string label = "Score") => new()
    {
        Objective = objective, SentenceColumns = new[] { "Sentence1", "Sentence2" }, LabelColumn = label, ScoreRange = (0, 5),
        BaseModel = baseModel, Training = new SiameseTrainingOptions { BatchSize = 4, LearningRate = 1e-3, Epochs = 2, Seed = 1 },
    };

    [TestMethod]
    public void FitTrainsTheEncoderAndReturnsATransformerThatSavesAndLoads()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Pairs(16));
        string baseModel = TinyFolder();
        var estimator = ml.SentenceEmbeddings().Trainers.Siamese(Options(baseModel));
        var shape = estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
        Assert.IsTrue(shape.Any(c => c.Name == "Features"));
        using var transformer = estimator.Fit(data);
        Assert.AreEqual("Sentence1", transformer.Columns.Single().InputColumnName);
        using var original = SentenceEncoder.Load(baseModel);
        var before = StateDict.Export(original.Model).SelectMany(a => a.Data).ToArray();
        var after = StateDict.Export(transformer.Encoder.Model).SelectMany(a => a.Data).ToArray();
        CollectionAssert.AreNotEqual(before, after, "Fit must change the encoder's weights");

        var vectors = transformer.Transform(data).GetColumn<float[]>("Features").ToList();
        string zip = Path.Combine(Fixtures.NewTempDir(), "tuned.zip");
        ml.Model.Save(transformer, data.Schema, zip);
        using var loaded = (SentenceEmbeddingTransformer)ml.Model.Load(zip, out _);
        var again = loaded.Transform(data).GetColumn<float[]>("Features").ToList();
        for (int i = 0; i < vectors.Count; i++) CollectionAssert.AreEqual(vectors[i], again[i]);
    }

    [TestMethod]
    public void BadLabelsNameTheRowAndColumn()
    {
        var ml = new MLContext(1);
        var rows = Pairs(4);
        rows[2].Score = 7;
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.SentenceEmbeddings().Trainers.Siamese(Options(TinyFolder())).Fit(ml.Data.LoadFromEnumerable(rows)));
        StringAssert.Contains(e.Message, "Row 2, column 'Score': score 7 is outside the declared ScoreRange [0, 5]");
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.SentenceEmbeddings().Trainers.Siamese(Options(TinyFolder(), label: "Nope")).Fit(ml.Data.LoadFromEnumerable(Pairs(4))));
        StringAssert.Contains(missing.Message, "'Nope'");
    }

    public sealed class LabeledPair
    {
        public string Sentence1 { get; set; } = "";
        public string Sentence2 { get; set; } = "";
        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void SoftmaxReadsOneBasedKeyLabelsAsClassIndices()
    {
        var ml = new MLContext(1);
        var classes = new[] { "entailment", "neutral", "contradiction" };
        var rows = Enumerable.Range(0, 12).Select(i => new LabeledPair { Sentence1 = $"a {Words[i % 8]}", Sentence2 = $"the {Words[(i + 1) % 8]}", Label = classes[i % 3] }).ToList();
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var options = Options(TinyFolder(), TrainingObjective.Softmax, "Label");
        using var transformer = ml.SentenceEmbeddings().Trainers.Siamese(options).Fit(keyed);
        Assert.AreEqual(32, transformer.Dimension);
    }
}
