using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// Creates a <see cref="SentenceEmbeddingTransformer"/>. Fit trains nothing: it checks the schema and loads the encoder.
/// </summary>
/// <remarks>
/// | Estimator characteristic | |
/// |---|---|
/// | Does this estimator need to look at the data to train its parameters? | No |
/// | Input column data type | Text (String) |
/// | Output column data type | Known-size vector of Single |
/// | Exportable to ONNX | No |
/// </remarks>
public sealed class SentenceEmbeddingEstimator : IEstimator<SentenceEmbeddingTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly SentenceEmbeddingOptions _options;

    internal SentenceEmbeddingEstimator(IHostEnvironment env, SentenceEmbeddingOptions options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Columns.Length == 0)
            throw new ArgumentException("SentenceEmbeddingOptions.Columns needs at least one (output, input) column pair.", nameof(options));
        ArgumentNullException.ThrowIfNull(options.Encoder, "options.Encoder");
        if (options.Encoder.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Encoder.BatchSize, "SentenceEmbeddingOptions.Encoder.BatchSize must be at least 1.");
    }

    public SentenceEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var pair in _options.Columns) SentenceEmbeddingTransformer.CheckInputColumn(input.Schema, pair.InputColumnName);
        var encoder = _options.EncoderInstance ?? SentenceEncoder.Load(_options.Model, _options.Encoder);
        return new SentenceEmbeddingTransformer(_env, encoder, ownsEncoder: _options.EncoderInstance is null, _options.Columns,
            _options.Prompt, _options.CancellationToken);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => OutputShape(inputSchema, _options.Columns);

    /// <summary>The input columns plus a known-size Single vector per pair; checks that each input is a text column.</summary>
    internal static SchemaShape OutputShape(SchemaShape inputSchema, IReadOnlyList<InputOutputColumnPair> columns)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var pair in columns)
        {
            if (!inputSchema.TryFindColumn(pair.InputColumnName, out var column))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Input column '{pair.InputColumnName}' not found; SentenceEmbedding expects a text column of that name.");
            if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
                throw new InvalidOperationException($"Input column '{pair.InputColumnName}' is {column.ItemType} ({column.Kind}); SentenceEmbedding expects a text (String) column.");
        }
        var outputs = columns.Select(p => new SchemaShape.Column(p.OutputColumnName, SchemaShape.Column.VectorKind.Vector,
            NumberDataViewType.Single, isKey: false)).ToList();
        var names = columns.Select(p => p.OutputColumnName).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(outputs));
    }
}
