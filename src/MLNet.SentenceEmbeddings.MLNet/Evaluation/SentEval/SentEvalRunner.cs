using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Runs SentEval's transfer tasks on frozen features with ML.NET logistic regression, following
/// senteval/tools/validation.py (sklearn path):
/// <list type="bullet">
/// <item>MR, CR, SUBJ, MPQA (InnerKFoldClassifier): stratified k-fold CV; on each outer training part, an inner
/// stratified k-fold scores every C of 2^-2..2^3; the best (first on ties, after rounding to 2 decimals) is refitted
/// on the outer training part and scored on the outer test fold; accuracy = mean over the outer folds.</item>
/// <item>TREC, MRPC (KFoldClassifier): stratified k-fold on train scores C in 2^-1..2^5; refit on all of train;
/// accuracy (and F1 for MRPC) on test.</item>
/// <item>SST-2 (SplitClassifier): fit on train for each C in 2^-2..2^3, choose on dev, report that model on test.</item>
/// </list>
/// Features are computed once per task by the <see cref="ISentEvalFeatureSource"/>, never once per fold.
/// </summary>
public sealed class SentEvalRunner
{
    private readonly MLContext _ml;
    private readonly SentEvalOptions _options;

    /// <param name="ml">The context the trainers come from; null: a new one seeded with the SentEval seed.</param>
    /// <param name="options">Protocol settings; null: SentEval's.</param>
    public SentEvalRunner(MLContext? ml = null, SentEvalOptions? options = null)
    {
        _options = options ?? new SentEvalOptions();
        _options.Validate();
        _ml = ml ?? new MLContext(_options.Seed);
    }

    /// <summary>Reads and runs <paramref name="taskNames"/> (default: all seven) from <paramref name="dataFolder"/> (the SentEval folder or the data folder above it).</summary>
    public SentEvalReport Run(ISentEvalFeatureSource features, string dataFolder, IEnumerable<string>? taskNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var results = new List<SentEvalTaskResult>();
        foreach (string name in (taskNames ?? SentEvalTasks.All).Select(SentEvalTasks.Canonical))
            results.Add(Run(features, SentEvalTasks.Read(name, dataFolder)));
        return new SentEvalReport(features.Name, results);
    }

    /// <summary>Runs one task that is already in memory.</summary>
    public SentEvalTaskResult Run(ISentEvalFeatureSource features, SentEvalTaskData task)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(task);
        var sw = Stopwatch.StartNew();
        var classifier = features.Prepare(_ml, task, _options);
        var embedding = features is EmbeddingFeatureSource e ? e.LastEmbeddingTime : TimeSpan.Zero;
        var prepared = sw.Elapsed;
        var counter = new CountingClassifier(classifier);
        var grid = _options.GridFor(task.Protocol);
        var labels = task.All.Select(x => x.Label).ToArray();
        var result = task.Protocol switch
        {
            SentEvalProtocol.CrossValidation => CrossValidate(task, counter, labels, grid),
            SentEvalProtocol.TrainTest => TrainTest(task, counter, labels, grid),
            _ => TrainDevTest(task, counter, labels, grid),
        };
        result = result with { Rows = labels.Length, Fits = counter.Fits, EmbeddingTime = embedding, ClassifierTime = sw.Elapsed - prepared };
        _options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"{task.Name}: accuracy {result.Accuracy:F2}{(result.F1 is double f ? $", F1 {f:F2}" : "")} (dev {result.DevAccuracy:F2}, C {string.Join("/", result.ChosenC.Distinct())}), {result.Fits} fits, features {prepared.TotalSeconds:F1} s, classifier {result.ClassifierTime.TotalSeconds:F1} s"));
        return result;
    }

    private SentEvalTaskResult CrossValidate(SentEvalTaskData task, ISentEvalClassifier classifier, int[] labels, IReadOnlyList<double> grid)
    {
        int k = _options.Folds;
        var testScores = new List<double>();
        var devScores = new List<double>();
        var chosen = new List<double>();
        foreach (var (outerTrain, outerTest) in StratifiedKFold.Split(labels, k, _options.Seed))
        {
            var innerLabels = outerTrain.Select(r => labels[r]).ToArray();
            var (bestC, bestScore) = ChooseC(classifier, labels, grid,
                StratifiedKFold.Split(innerLabels, k, _options.Seed).Select(s => (Map(outerTrain, s.Train), Map(outerTrain, s.Test))));
            var predicted = classifier.FitPredict(outerTrain, outerTest, new[] { bestC })[0];
            testScores.Add(Percent(Accuracy(predicted, outerTest, labels)));
            devScores.Add(bestScore);
            chosen.Add(bestC);
            _options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{task.Name} fold {testScores.Count}/{k}: C={bestC} dev {bestScore:F2} test {testScores[^1]:F2}"));
        }
        return new SentEvalTaskResult(task.Name, Round(testScores.Average()), null, Round(devScores.Average()), chosen, 0, 0, default, default);
    }

    private SentEvalTaskResult TrainTest(SentEvalTaskData task, ISentEvalClassifier classifier, int[] labels, IReadOnlyList<double> grid)
    {
        var trainRows = Enumerable.Range(0, task.Train.Count).ToArray();
        var testRows = Enumerable.Range(task.Train.Count + task.Dev.Count, task.Test.Count).ToArray();
        var trainLabels = trainRows.Select(r => labels[r]).ToArray();
        var (bestC, bestScore) = ChooseC(classifier, labels, grid,
            StratifiedKFold.Split(trainLabels, _options.Folds, _options.Seed).Select(s => (Map(trainRows, s.Train), Map(trainRows, s.Test))));
        var predicted = classifier.FitPredict(trainRows, testRows, new[] { bestC })[0];
        double? f1 = task.ClassNames.Count == 2 ? Percent(F1(predicted, testRows, labels)) : null;
        return new SentEvalTaskResult(task.Name, Percent(Accuracy(predicted, testRows, labels)), f1, bestScore, new[] { bestC }, 0, 0, default, default);
    }

    private static SentEvalTaskResult TrainDevTest(SentEvalTaskData task, ISentEvalClassifier classifier, int[] labels, IReadOnlyList<double> grid)
    {
        var trainRows = Enumerable.Range(0, task.Train.Count).ToArray();
        var devRows = Enumerable.Range(task.Train.Count, task.Dev.Count).ToArray();
        var testRows = Enumerable.Range(task.Train.Count + task.Dev.Count, task.Test.Count).ToArray();
        // SplitClassifier refits on train with the chosen C; the fit is deterministic, so the grid's model for that
        // C is the same model: predict dev and test with each and save the refit.
        var predicted = classifier.FitPredict(trainRows, devRows.Concat(testRows).ToArray(), grid);
        var devScores = predicted.Select(p => Percent(Accuracy(p.AsSpan(0, devRows.Length), devRows, labels))).ToArray();
        int best = ArgMax(devScores);
        var test = predicted[best].AsSpan(devRows.Length);
        return new SentEvalTaskResult(task.Name, Percent(Accuracy(test, testRows, labels)), null, devScores[best], new[] { grid[best] }, 0, 0, default, default);
    }

    /// <summary>Mean validation accuracy of every C over the splits, rounded as SentEval rounds; first best wins.</summary>
    private static (double C, double Score) ChooseC(ISentEvalClassifier classifier, int[] labels, IReadOnlyList<double> grid,
        IEnumerable<(int[] Train, int[] Test)> splits)
    {
        var sums = new double[grid.Count];
        int count = 0;
        foreach (var (train, test) in splits)
        {
            var predicted = classifier.FitPredict(train, test, grid);
            for (int c = 0; c < grid.Count; c++) sums[c] += Accuracy(predicted[c], test, labels);
            count++;
        }
        var scores = sums.Select(s => Percent(s / count)).ToArray();
        int best = ArgMax(scores);
        return (grid[best], scores[best]);
    }

    private static int[] Map(int[] rows, int[] positions) => positions.Select(p => rows[p]).ToArray();

    private static int ArgMax(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    internal static double Accuracy(ReadOnlySpan<int> predicted, IReadOnlyList<int> rows, int[] labels)
    {
        int correct = 0;
        for (int i = 0; i < rows.Count; i++) if (predicted[i] == labels[rows[i]]) correct++;
        return (double)correct / rows.Count;
    }

    /// <summary>F1 of class 1 (scikit-learn's f1_score default for binary labels); 0 when nothing is predicted or present.</summary>
    internal static double F1(ReadOnlySpan<int> predicted, IReadOnlyList<int> rows, int[] labels)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            bool p = predicted[i] == 1, t = labels[rows[i]] == 1;
            if (p && t) tp++;
            else if (p) fp++;
            else if (t) fn++;
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    private static double Percent(double fraction) => Round(100 * fraction);

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.ToEven);

    private sealed class CountingClassifier(ISentEvalClassifier inner) : ISentEvalClassifier
    {
        public int Fits { get; private set; }

        public int[][] FitPredict(IReadOnlyList<int> trainRows, IReadOnlyList<int> testRows, IReadOnlyList<double> cGrid)
        {
            Fits += cGrid.Count;
            return inner.FitPredict(trainRows, testRows, cGrid);
        }
    }
}
