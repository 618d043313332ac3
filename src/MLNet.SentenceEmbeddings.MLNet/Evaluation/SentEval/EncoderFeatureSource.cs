using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Sentence vectors from a Sentence-BERT encoder through the ML.NET transform (mlContext.Transforms.SentenceEmbedding),
/// with any pooling the transform options allow (MEAN, CLS, MAX, and concatenations such as MEAN+MAX).
/// The transformer is fitted once and reused for every task.
/// </summary>
public sealed class EncoderFeatureSource : EmbeddingFeatureSource
{
    private const string TextColumn = "Text", OutputColumn = "Embedding";
    private readonly SentenceEmbeddingOptions _options;
    private SentenceEmbeddingTransformer? _transformer;

    /// <param name="options">Transform options (model or encoder instance, pooling, normalisation, batch, threads); the columns are set here.</param>
    /// <param name="name">Report label; null builds one from the model and pooling.</param>
    /// <param name="cacheDirectory">Folder for cached vectors; null: memory only.</param>
    public EncoderFeatureSource(SentenceEmbeddingOptions options, string? name = null, string? cacheDirectory = null) : base(cacheDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _options.Columns = new[] { new InputOutputColumnPair(OutputColumn, TextColumn) };
        Name = name ?? $"{(options.EncoderInstance?.Source is { } s ? Path.GetFileName(s.TrimEnd('/', '\\')) : options.Model)} {(options.Encoder.Pooling is { } p ? PoolingModes.ToName(p).ToUpperInvariant() : "model pooling")}";
    }

    /// <summary>An encoder by name or folder ("default", "arctic-xs", a path) with an optional pooling override.</summary>
    public EncoderFeatureSource(string model, PoolingMode? pooling = null, bool? normalize = null, string? name = null, string? cacheDirectory = null)
        : this(new SentenceEmbeddingOptions { Model = model, Encoder = new SentenceEncoderOptions { Pooling = pooling, Normalize = normalize } }, name, cacheDirectory) { }

    public override string Name { get; }

    /// <summary>The encoder behind the transform (loaded on first use).</summary>
    public SentenceEncoder Encoder(MLContext ml) => Transformer(ml).Encoder;

    protected override string? CacheKey => _transformer is null ? null :
        $"encoder|{_transformer.Encoder.Source}|{FolderStamp(_transformer.Encoder.Source)}|{PoolingModes.ToName(_transformer.Encoder.Pooling.Mode)}|" +
        $"norm={_transformer.Encoder.Normalizes}|max={_transformer.Encoder.Tokenizer.MaxSequenceLength}|{_transformer.Encoder.Options.Precision}" +
        LayerKey(_transformer.Encoder);

    /// <summary>Which hidden states the vectors average; empty for the last layer alone, so older cache entries stay valid.</summary>
    private static string LayerKey(SentenceEncoder encoder) =>
        encoder.Modules.Items.OfType<Modules.WeightedLayerPoolingModule>().FirstOrDefault() is { } layers
            ? $"|layers={layers.LayerStart}:{string.Join(",", layers.LayerWeights.Select(w => w.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}"
            : "";

    protected override void Initialize(MLContext ml) => Transformer(ml);

    protected override float[][] Compute(MLContext ml, IReadOnlyList<string> sentences)
    {
        var transformer = Transformer(ml);
        var input = ml.Data.LoadFromEnumerable(sentences.Select(s => new TextRow { Text = s }).ToList());
        var output = transformer.Transform(input);
        var rows = new float[sentences.Count][];
        int i = 0;
        using var cursor = output.GetRowCursor(new[] { output.Schema[OutputColumn] });
        var getter = cursor.GetGetter<VBuffer<float>>(output.Schema[OutputColumn]);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows[i++] = buffer.DenseValues().ToArray();
        }
        return rows;
    }

    /// <summary>Fits the transform once (Fit only loads the encoder) so that <see cref="CacheKey"/> knows the pooling.</summary>
    private SentenceEmbeddingTransformer Transformer(MLContext ml)
    {
        if (_transformer is not null) return _transformer;
        var empty = ml.Data.LoadFromEnumerable(new List<TextRow>());
        return _transformer = ml.Transforms.SentenceEmbedding(_options).Fit(empty);
    }

    /// <summary>The latest write time of a model folder's files, so a re-trained folder misses the cache.</summary>
    private static string FolderStamp(string source) => Directory.Exists(source)
        ? Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty().Max().Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : "";

    public override void Dispose()
    {
        _transformer?.Dispose();
        _transformer = null;
        base.Dispose();
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
