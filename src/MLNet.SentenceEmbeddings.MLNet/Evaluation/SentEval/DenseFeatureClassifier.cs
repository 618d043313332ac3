using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Logistic regression over features held in memory as one float array per row. A fold's IDataView wraps the
/// existing arrays (no copy), so a fold costs the fit, not data preparation.
/// </summary>
public sealed class DenseFeatureClassifier : ISentEvalClassifier
{
    private readonly MLContext _ml;
    private readonly float[][] _features;
    private readonly int[] _labels;
    private readonly int _classCount;
    private readonly SentEvalOptions _options;
    private readonly SchemaDefinition _schema;

    /// <param name="ml">The context the trainers come from.</param>
    /// <param name="features">Row i's features; all of one length.</param>
    /// <param name="labels">Row i's 0-based class.</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="options">Optimisation settings.</param>
    public DenseFeatureClassifier(MLContext ml, float[][] features, int[] labels, int classCount, SentEvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.Length != labels.Length) throw new ArgumentException($"{features.Length} feature rows but {labels.Length} labels.", nameof(labels));
        if (features.Length == 0) throw new ArgumentException("No rows.", nameof(features));
        int dim = features[0].Length;
        for (int i = 0; i < features.Length; i++)
            if (features[i].Length != dim) throw new ArgumentException($"Row {i} has {features[i].Length} features, row 0 has {dim}.", nameof(features));
        _ml = ml;
        _features = features;
        _labels = labels;
        _classCount = classCount;
        _options = options;
        Dimension = dim;
        _schema = classCount == 2 ? SchemaDefinition.Create(typeof(BinaryRow)) : SchemaDefinition.Create(typeof(KeyRow));
        _schema[SentEvalLogisticRegression.FeatureColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dim);
        if (classCount != 2) _schema[SentEvalLogisticRegression.LabelColumn].ColumnType = new KeyDataViewType(typeof(uint), classCount);
    }

    /// <summary>Builds the classifier from a task's labels and per-row features.</summary>
    public static DenseFeatureClassifier ForTask(MLContext ml, SentEvalTaskData task, float[][] rowFeatures, SentEvalOptions options) =>
        new(ml, rowFeatures, task.All.Select(e => e.Label).ToArray(), task.ClassNames.Count, options);

    public int Dimension { get; }

    public int[][] FitPredict(IReadOnlyList<int> trainRows, IReadOnlyList<int> testRows, IReadOnlyList<double> cGrid) =>
        SentEvalLogisticRegression.FitPredict(_ml, View(trainRows), View(testRows), _classCount, cGrid, _options);

    private IDataView View(IReadOnlyList<int> rows) => _classCount == 2
        ? _ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow { Label = _labels[r] == 1, Features = _features[r] }).ToList(), _schema)
        // A key loaded from C# objects is the 0-based class index (ML.NET adds the 1 of its internal key encoding).
        : _ml.Data.LoadFromEnumerable(rows.Select(r => new KeyRow { Label = (uint)_labels[r], Features = _features[r] }).ToList(), _schema);

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    private sealed class KeyRow
    {
        public uint Label { get; set; }
        public float[] Features { get; set; } = Array.Empty<float>();
    }
}
