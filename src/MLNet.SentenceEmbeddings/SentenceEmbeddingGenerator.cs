using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// A <see cref="SentenceEncoder"/> behind Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>,
/// so code written against that abstraction (vector stores, RAG pipelines, caching or telemetry decorators) runs on a
/// local Sentence-BERT model.
/// </summary>
/// <remarks>
/// <para>One call embeds all its inputs in length-sorted batches of the encoder's batch size.</para>
/// <para>
/// Thread-safe: concurrent calls queue for the encoder, one at a time (a TorchSharp module is not re-entrant, and
/// libtorch already spreads one forward pass over all intra-op threads, so running two at once would not be faster on a
/// CPU). A call waiting in the queue can be cancelled; a running call stops between batches.
/// </para>
/// <para>
/// <see cref="EmbeddingGenerationOptions.Dimensions"/> keeps the first N components and rescales them to unit length
/// (Matryoshka Representation Learning, Kusupati et al. 2022, Section 3). That is only faithful for models trained with
/// a Matryoshka loss; the two embedded models were not, so expect some loss of quality when truncating them.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt; generator = SentenceEmbeddingGenerator.Load("default");
/// var embeddings = await generator.GenerateAsync(new[] { "A man is eating.", "Someone eats." });
/// float similarity = VectorMath.Cosine(embeddings[0].Vector.Span, embeddings[1].Vector.Span);
/// </code>
/// </example>
public sealed class SentenceEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The <see cref="EmbeddingGeneratorMetadata.ProviderName"/> this generator reports.</summary>
    public const string ProviderName = "MLNet.SentenceEmbeddings";

    private readonly SentenceEncoder _encoder;
    private readonly bool _ownsEncoder;
    private readonly SemaphoreSlim _queue = new(1, 1);
    private int _disposed;

    /// <summary>Wraps <paramref name="encoder"/>.</summary>
    /// <param name="encoder">The encoder to run. Calls made on it directly elsewhere are serialised by its own lock.</param>
    /// <param name="modelId">Reported as the model id; defaults to the name of the folder the encoder was loaded from.</param>
    /// <param name="ownsEncoder">Dispose <paramref name="encoder"/> when this generator is disposed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    public SentenceEmbeddingGenerator(SentenceEncoder encoder, string? modelId = null, bool ownsEncoder = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        _ownsEncoder = ownsEncoder;
        ModelId = string.IsNullOrWhiteSpace(modelId) ? DefaultModelId(encoder.Source) : modelId;
        Metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, ModelId, encoder.Dimension);
    }

    /// <summary>
    /// Loads an encoder as <see cref="SentenceEncoder.Load(string, SentenceEncoderOptions?)"/> does ("default", "arctic-xs" or a model folder) and wraps
    /// it; the generator owns and disposes it.
    /// </summary>
    public static SentenceEmbeddingGenerator Load(string modelNameOrPath, SentenceEncoderOptions? options = null)
    {
        var encoder = SentenceEncoder.Load(modelNameOrPath, options);
        string? name = PretrainedModels.Find(modelNameOrPath)?.Name;
        return new SentenceEmbeddingGenerator(encoder, name, ownsEncoder: true);
    }

    /// <summary>
    /// The model's name from where it was loaded: the embedded model's name for its cache folder, else the folder's name
    /// (<see cref="SentenceEncoder.Source"/> may name the weights file inside it).
    /// </summary>
    internal static string DefaultModelId(string source)
    {
        string path = source.TrimEnd('/', '\\');
        if (File.Exists(path)) path = Path.GetDirectoryName(Path.GetFullPath(path)) ?? path;
        string folder = Path.GetFileName(path);
        var embedded = PretrainedModels.All.FirstOrDefault(m => folder == PretrainedModels.CacheFolderName(m));
        if (embedded is not null) return embedded.Name;
        // A Hub snapshot (.../models--org--name/snapshots/<commit>) is named by its repository id.
        string? repo = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path)) ?? "");
        if (Path.GetFileName(Path.GetDirectoryName(path)) == "snapshots" && repo is not null && repo.StartsWith("models--", StringComparison.Ordinal))
            return repo["models--".Length..].Replace("--", "/");
        return folder.Length > 0 ? folder : source;
    }

    /// <summary>Provider name, model id and full dimension (also returned by <see cref="GetService"/>).</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The model id stamped on every <see cref="Embedding{T}"/>.</summary>
    public string ModelId { get; }

    /// <summary>The wrapped encoder.</summary>
    public SentenceEncoder Encoder => _encoder;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>options.Dimensions</c> is below 1 or above the model's dimension.</exception>
    /// <exception cref="ArgumentException"><c>options.ModelId</c> names a model other than this one.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int dimensions = CheckOptions(options);
        var prompt = PromptOf(options);
        var texts = values as IReadOnlyList<string> ?? values.ToList();

        await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The forward pass is CPU-bound and synchronous: keep it off the caller's thread (UI, request thread).
            return await Task.Run(() => Generate(texts, dimensions, prompt, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally { _queue.Release(); }
    }

    private GeneratedEmbeddings<Embedding<float>> Generate(IReadOnlyList<string> texts, int dimensions, Prompt prompt, CancellationToken cancellationToken)
    {
        int full = _encoder.Dimension;
        var (inputs, promptLength) = _encoder.Tokenize(texts, prompt);
        long tokens = inputs.Sum(i => (long)i.Length);
        var flat = new float[(long)inputs.Length * full];
        _encoder.EncodeTokenized(inputs, flat, promptLength, cancellationToken);

        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Length)
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
        for (int i = 0; i < inputs.Length; i++)
        {
            var row = flat.AsSpan(i * full, full);
            float[] vector = dimensions == full ? row.ToArray() : Truncate(row, dimensions);
            result.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = created });
        }
        return result;
    }

    /// <summary>The first <paramref name="dimensions"/> components, rescaled to unit L2 norm (zero stays zero).</summary>
    internal static float[] Truncate(ReadOnlySpan<float> vector, int dimensions)
    {
        var head = vector[..dimensions].ToArray();
        float norm = TensorPrimitives.Norm(head);
        if (norm > 0) TensorPrimitives.Divide(head, norm, head);
        return head;
    }

    /// <summary>Key of <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> naming one of the model's prompts ("query", ...).</summary>
    public const string PromptNameProperty = "prompt_name";

    /// <summary>Key of <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> holding a literal prompt text.</summary>
    public const string PromptProperty = "prompt";

    /// <summary>The prompt asked for in the options' additional properties, else this generator's <see cref="DefaultPrompt"/>.</summary>
    private Prompt PromptOf(EmbeddingGenerationOptions? options)
    {
        var props = options?.AdditionalProperties;
        if (props is not null && props.TryGetValue(PromptNameProperty, out var name) && name is string n) return Prompt.Named(n);
        if (props is not null && props.TryGetValue(PromptProperty, out var text) && text is string t) return Prompt.Literal(t);
        return DefaultPrompt;
    }

    /// <summary>
    /// The prompt used when a request names none: by default the model's own default (none for most models). Set
    /// <c>Prompt.Named("query")</c> for a generator that embeds search queries.
    /// </summary>
    public Prompt DefaultPrompt { get; init; }

    private int CheckOptions(EmbeddingGenerationOptions? options)
    {
        int full = _encoder.Dimension;
        if (options is null) return full;
        if (options.ModelId is { Length: > 0 } requested && !string.Equals(requested, ModelId, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"options.ModelId is '{requested}' but this generator runs '{ModelId}'; load another SentenceEmbeddingGenerator for that model.",
                nameof(options));
        return options.Dimensions switch
        {
            null => full,
            < 1 => throw new ArgumentOutOfRangeException(nameof(options), options.Dimensions, "options.Dimensions must be at least 1."),
            int d when d > full => throw new ArgumentOutOfRangeException(nameof(options), d,
                $"options.Dimensions is {d} but model '{ModelId}' produces {full}-dimensional vectors; truncation can only shorten them."),
            int d => d,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return Metadata;
        if (serviceType == typeof(SentenceEncoder)) return _encoder;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the encoder when this generator owns it. Waits for a running call to finish.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Wait();
        try { if (_ownsEncoder) _encoder.Dispose(); }
        finally { _queue.Release(); }
    }
}
