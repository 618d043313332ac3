using Microsoft.ML;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.MLNet.SentEval;

namespace MLNet.SentenceEmbeddings.Tests.SentEval;

[TestClass]
public class SentEvalRunnerTests
{
    /// <summary>Fixed features handed to the runner: class c sits around a distinct corner, far from the others.</summary>
    private sealed class SyntheticFeatures(float[][] rows) : ISentEvalFeatureSource
    {
        public string Name => "synthetic";
        public int Prepares { get; private set; }

        public ISentEvalClassifier Prepare(MLContext ml, SentEvalTaskData task, SentEvalOptions options)
        {
            Prepares++;
            return DenseFeatureClassifier.ForTask(ml, task, rows, options);
        }

        public void Dispose() { }
    }

    /// <summary>n rows per class, labels interleaved; features = one-hot of the class * 3 plus noise in 4 extra dims.</summary>
    private static (List<SentEvalExample> Rows, float[][] Features) Separable(int classes, int perClass, int seed)
    {
        var random = new Random(seed);
        var rows = new List<SentEvalExample>();
        var features = new List<float[]>();
        for (int i = 0; i < perClass; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                var f = new float[classes + 4];
                f[c] = 3;
                for (int d = 0; d < f.Length; d++) f[d] += (float)(random.NextDouble() - 0.5);
                rows.Add(new SentEvalExample($"row {rows.Count}", c));
                features.Add(f);
            }
        }
        return (rows, features.ToArray());
    }

    [TestMethod]
    public void CrossValidationOnASeparableBinaryTaskReachesHundredPercent()
    {
        var (rows, features) = Separable(2, 40, 1);
        var task = new SentEvalTaskData("SYN", SentEvalProtocol.CrossValidation, new[] { "a", "b" }, rows);
        var source = new SyntheticFeatures(features);
        var result = new SentEvalRunner(options: new SentEvalOptions { KFold = 4 }).Run(source, task);
        Assert.AreEqual(100.0, result.Accuracy, 0.01);
        Assert.AreEqual(1, source.Prepares, "features are prepared once per task, not per fold");
        Assert.AreEqual(4 * (6 * 4 + 1), result.Fits, "4 outer folds x (6 C x 4 inner folds + 1 refit)");
        Assert.AreEqual(4, result.ChosenC.Count);
    }

    [TestMethod]
    public void TrainTestOnASeparableSixClassTaskReachesHundredPercentAndClassesStayAligned()
    {
        var (train, features) = Separable(6, 12, 2);
        var (test, testFeatures) = Separable(6, 5, 3);
        var task = new SentEvalTaskData("SYN6", SentEvalProtocol.TrainTest, Enumerable.Range(0, 6).Select(i => $"c{i}").ToArray(), train, test: test);
        var result = new SentEvalRunner(options: new SentEvalOptions { KFold = 3 }).Run(new SyntheticFeatures(features.Concat(testFeatures).ToArray()), task);
        // A 1-based/0-based key slip shifts every class and scores near 0, so 100% also proves the label mapping.
        Assert.AreEqual(100.0, result.Accuracy, 0.01);
        Assert.IsNull(result.F1, "F1 is reported for binary tasks only");
        Assert.AreEqual(7 * 3 + 1, result.Fits, "SentEval's KFoldClassifier grid 2^-1..2^5 over 3 folds, then one refit");
    }

    [TestMethod]
    public void TrainDevTestChoosesOnDevAndReportsTestWithF1()
    {
        var (train, f1) = Separable(2, 30, 4);
        var (dev, f2) = Separable(2, 10, 5);
        var (test, f3) = Separable(2, 10, 6);
        var task = new SentEvalTaskData("SYN2", SentEvalProtocol.TrainDevTest, new[] { "a", "b" }, train, dev, test);
        var result = new SentEvalRunner().Run(new SyntheticFeatures(f1.Concat(f2).Concat(f3).ToArray()), task);
        Assert.AreEqual(100.0, result.Accuracy, 0.01);
        Assert.AreEqual(100.0, result.DevAccuracy, 0.01);
        Assert.AreEqual(6, result.Fits, "one fit per C; the chosen model is reused for test as SplitClassifier's refit is identical");
    }

    [TestMethod]
    public void RandomLabelsScoreNearChance()
    {
        // The runner must not leak test labels: with labels independent of the features, accuracy stays near 50%.
        var random = new Random(7);
        var rows = Enumerable.Range(0, 200).Select(i => new SentEvalExample($"r{i}", i % 2)).ToList();
        var features = rows.Select(_ => Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var task = new SentEvalTaskData("NOISE", SentEvalProtocol.CrossValidation, new[] { "a", "b" }, rows);
        var result = new SentEvalRunner(options: new SentEvalOptions { Quick = true }).Run(new SyntheticFeatures(features), task);
        Assert.IsTrue(result.Accuracy is > 35 and < 65, $"accuracy {result.Accuracy}");
    }

    [TestMethod]
    public void F1IsThatOfThePositiveClass()
    {
        int[] labels = { 1, 1, 1, 0, 0 };
        int[] predicted = { 1, 0, 1, 1, 0 }; // tp 2, fn 1, fp 1 -> F1 = 4 / 6
        Assert.AreEqual(4.0 / 6, SentEvalRunner.F1(predicted, new[] { 0, 1, 2, 3, 4 }, labels), 1e-12);
    }
}
