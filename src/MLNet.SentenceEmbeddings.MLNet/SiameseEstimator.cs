using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// Fine-tunes a sentence encoder on an IDataView with one of the SBERT objectives (Siamese or triplet network,
/// shared weights: SBERT Section 3) and returns a <see cref="SentenceEmbeddingTransformer"/> that embeds
/// <see cref="SiameseEstimatorOptions.InputColumnName"/> with the tuned encoder, ready for Append and Model.Save.
/// </summary>
public sealed class SiameseEstimator : IEstimator<SentenceEmbeddingTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly SiameseEstimatorOptions _options;

    internal SiameseEstimator(IHostEnvironment env, SiameseEstimatorOptions options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.SentenceColumns.Length is < 2 or > 3)
            throw new ArgumentException($"SentenceColumns must name 2 or 3 text columns, got {options.SentenceColumns.Length}.", nameof(options));
        if (options.ScoreRange.Max <= options.ScoreRange.Min)
            throw new ArgumentException($"ScoreRange must have Max > Min, got ({options.ScoreRange.Min}, {options.ScoreRange.Max}).", nameof(options));
    }

    private InputOutputColumnPair[] OutputColumns => new[] { new InputOutputColumnPair(_options.OutputColumnName, _options.InputColumnName ?? _options.SentenceColumns[0]) };

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => SentenceEmbeddingEstimator.OutputShape(inputSchema, OutputColumns);

    public SentenceEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var pair in OutputColumns) SentenceEmbeddingTransformer.CheckInputColumn(input.Schema, pair.InputColumnName);
        var encoder = SentenceEncoder.Load(_options.BaseModel);
        try
        {
            var loss = TrainingObjectives.Create(_options.Objective, encoder.Dimension, _options.NumLabels, _options.SentenceColumns.Length);
            var examples = ReadExamples(input, loss);
            var columns = loss.Labels == LabelKind.None ? _options.SentenceColumns : _options.SentenceColumns.Append(_options.LabelColumn);
            TrainingExamples.Check(loss, examples, $"columns {string.Join(", ", columns)}");
            using var ch = _env.Start("SiameseTraining");
            var training = _options.Training;
            var log = training.Log;
            training.Log = m => { ch.Info(MessageSensitivity.None, m); log?.Invoke(m); };
            try { new SiameseTrainer(encoder, loss, training).Train(examples); }
            finally { training.Log = log; (loss as IDisposable)?.Dispose(); }
            return new SentenceEmbeddingTransformer(_env, encoder, ownsEncoder: true, OutputColumns);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Reads every row into examples; errors name the row and the column.</summary>
    private List<TrainingExample> ReadExamples(IDataView input, ISentenceLoss loss)
    {
        bool needsLabel = loss.Labels != LabelKind.None;
        var textColumns = _options.SentenceColumns.Select(name =>
        {
            SentenceEmbeddingTransformer.CheckInputColumn(input.Schema, name);
            return input.Schema[name];
        }).ToArray();
        DataViewSchema.Column? labelColumn = null;
        if (needsLabel)
            labelColumn = input.Schema.GetColumnOrNull(_options.LabelColumn)
                ?? throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{_options.LabelColumn}' not found; the {_options.Objective} objective needs one.");

        using var cursor = input.GetRowCursor(labelColumn is { } l ? textColumns.Append(l) : textColumns);
        var texts = textColumns.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
        var label = labelColumn is { } lc ? LabelReader(cursor, lc) : null;
        var examples = new List<TrainingExample>();
        ReadOnlyMemory<char> value = default;
        for (long row = 0; cursor.MoveNext(); row++)
        {
            var sentences = new string?[texts.Length];
            for (int c = 0; c < texts.Length; c++)
            {
                texts[c](ref value);
                sentences[c] = value.ToString();
            }
            double y = label?.Invoke(row) ?? 0;
            if (_options.Objective == TrainingObjective.Regression)
            {
                var (min, max) = _options.ScoreRange;
                if (!(y >= min && y <= max))
                    throw new InvalidOperationException($"Row {row}, column '{_options.LabelColumn}': score {y} is outside the declared ScoreRange [{min}, {max}].");
                y = CosineSimilarityLoss.ScaleScore(y, min, max);
            }
            examples.Add(new TrainingExample(sentences, y));
        }
        return examples;
    }

    private static Func<long, double> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        string name = column.Name;
        Func<long, double> Number<T>(Func<T, double> toDouble)
        {
            var getter = cursor.GetGetter<T>(column);
            return _ =>
            {
                T value = default!;
                getter(ref value);
                return toDouble(value);
            };
        }
        switch (column.Type)
        {
            case KeyDataViewType:
                var key = cursor.GetGetter<uint>(column);
                return row =>
                {
                    uint k = 0;
                    key(ref k);
                    if (k == 0) throw new InvalidOperationException($"Row {row}, column '{name}': missing key value.");
                    return k - 1; // ML.NET keys are 1-based; class indices 0-based
                };
            case var t when t == NumberDataViewType.Single: return Number<float>(v => v);
            case var t when t == NumberDataViewType.Double: return Number<double>(v => v);
            case var t when t == NumberDataViewType.Int32: return Number<int>(v => v);
            case var t when t == NumberDataViewType.Int64: return Number<long>(v => v);
            default:
                throw new InvalidOperationException($"Label column '{name}' is {column.Type}; expected Single, Double, Int32, Int64 or a key type.");
        }
    }
}
