using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// Adds, for each (output, input) column pair, a known-size Vector&lt;Single, dim&gt; column holding the sentence
/// embedding of the input text column. <see cref="Transform"/> is lazy and computes in batches; the transformer owns
/// a <see cref="SentenceEncoder"/> (unless one was handed in) and is saved with its weights by mlContext.Model.Save.
/// </summary>
public sealed partial class SentenceEmbeddingTransformer : ITransformer, IDisposable
{
    // Rows read ahead and embedded per call: the encoder sorts them by length inside the window, so the wider the
    // window, the closer batches come to the core encoder's global sort. 16 batches (512 rows) measured 0.94x of the
    // core encoder on 10k STSb sentences; 64 batches (2,048 rows, 3 MB of floats at 384 dims) close that gap.
    private const int WindowBatches = 64;

    private readonly IHost _host;
    private readonly bool _ownsEncoder;
    private readonly CancellationToken _cancellation;

    internal SentenceEmbeddingTransformer(IHostEnvironment env, SentenceEncoder encoder, bool ownsEncoder,
        IReadOnlyList<InputOutputColumnPair> columns, Prompt prompt = default, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        _host = env.Register(nameof(SentenceEmbeddingTransformer));
        Encoder = encoder;
        Prompt = prompt;
        _ownsEncoder = ownsEncoder;
        _cancellation = cancellation;
        if (columns.Count == 0) throw new ArgumentException("At least one (output, input) column pair is required.", nameof(columns));
        Columns = columns.ToArray();
    }

    /// <summary>The encoder that computes the vectors (shared with the caller when it was handed in through the options).</summary>
    public SentenceEncoder Encoder { get; }

    /// <summary>The prompt put before every text (saved with the model).</summary>
    public Prompt Prompt { get; }

    public IReadOnlyList<InputOutputColumnPair> Columns { get; }

    /// <summary>Width of each output vector.</summary>
    public int Dimension => Encoder.Dimension;

    internal int WindowRows => Encoder.Options.BatchSize * WindowBatches;

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var pair in Columns) CheckInputColumn(inputSchema, pair.InputColumnName);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var pair in Columns)
            builder.AddColumn(pair.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, Dimension));
        return builder.ToSchema();
    }

    /// <summary>Returns a lazy view; embeddings are computed in batches when a cursor reads them.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new SentenceEmbeddingDataView(input, this);
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new SentenceEmbeddingRowMapper(this, inputSchema);

    /// <summary>Embeds a window of texts into <paramref name="destination"/>, logging through the MLContext's channel.</summary>
    internal void EmbedWindow(IReadOnlyList<string?> texts, Span<float> destination)
    {
        _cancellation.ThrowIfCancellationRequested();
        _host.CheckAlive(); // ML.NET's own cancellation (ICancelable.CancelExecution on the MLContext, as AutoML uses)
        long passes = Encoder.ForwardPasses, truncated = Encoder.TruncatedCount;
        Encoder.Encode(texts, Prompt, destination, _cancellation);
        using var ch = _host.Start("Transform");
        ch.Trace(MessageSensitivity.None, $"embedded {texts.Count} row(s) in {Encoder.ForwardPasses - passes} batch(es)");
        long cut = Encoder.TruncatedCount - truncated;
        if (cut > 0) ch.Warning(MessageSensitivity.None, $"{cut} of {texts.Count} row(s) truncated to {Encoder.Tokenizer.MaxSequenceLength} tokens");
    }

    internal static void CheckInputColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{name}' not found; SentenceEmbedding expects a text column of that name.");
        if (column.Type is not TextDataViewType)
            throw new InvalidOperationException($"Input column '{name}' is {column.Type}; SentenceEmbedding expects a text (String) column.");
    }

    public void Dispose()
    {
        if (_ownsEncoder) Encoder.Dispose();
    }
}
