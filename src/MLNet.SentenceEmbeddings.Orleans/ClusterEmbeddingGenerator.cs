using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> that embeds on an Orleans cluster running
/// <see cref="SiloBuilderEmbeddingExtensions.AddSentenceEmbeddings"/>: the drop-in, clustered counterpart of
/// <see cref="SentenceEmbeddingGenerator"/> (<see cref="ClusterEmbeddingServiceCollectionExtensions.AddClusterEmbeddingGenerator"/>
/// registers it). Large inputs go out in several calls, which the cluster spreads over its silos.
/// </summary>
/// <example><code>
/// IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt; generator = new ClusterEmbeddingGenerator(clusterClient);
/// var vectors = await generator.GenerateAsync(new[] { "first", "second" });
/// </code></example>
public sealed class ClusterEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Texts per grain call: small enough to fit any silo's queue and to spread a large input over silos.</summary>
    public const int DefaultTextsPerCall = 64;

    private readonly IGrainFactory _grains;
    private readonly int _textsPerCall;

    /// <param name="grains">The cluster client (or a grain factory inside a silo).</param>
    /// <param name="modelId">The model the silos run, reported in <see cref="Metadata"/> and on each embedding.</param>
    /// <param name="textsPerCall">Texts per grain call.</param>
    public ClusterEmbeddingGenerator(IGrainFactory grains, string modelId = SiloEmbeddingOptions.DefaultModel, int textsPerCall = DefaultTextsPerCall)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentOutOfRangeException.ThrowIfLessThan(textsPerCall, 1);
        _grains = grains;
        _textsPerCall = textsPerCall;
        ModelId = modelId;
        Metadata = new EmbeddingGeneratorMetadata(SentenceEmbeddingGenerator.ProviderName + ".Orleans", null, modelId);
    }

    /// <inheritdoc cref="SentenceEmbeddingGenerator.Metadata"/>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>The model the silos run.</summary>
    public string ModelId { get; }

    /// <inheritdoc />
    /// <exception cref="EmbeddingQueueFullException">A silo refused a call because its queue was full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>options.Dimensions</c> is below 1 or above the model's dimension.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.ModelId is { Length: > 0 } requested && !string.Equals(requested, ModelId, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"options.ModelId is '{requested}' but the cluster runs '{ModelId}'.", nameof(options));
        var texts = values as string[] ?? values.ToArray();
        var grain = _grains.GetGrain<IEmbeddingGrain>(0);
        var calls = new List<Task<float[][]>>();
        for (int start = 0; start < texts.Length; start += _textsPerCall)
            calls.Add(grain.EmbedAsync(texts[start..Math.Min(texts.Length, start + _textsPerCall)], cancellationToken));
        var parts = await Task.WhenAll(calls).ConfigureAwait(false);

        var created = DateTimeOffset.UtcNow;
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        foreach (var vector in parts.SelectMany(p => p))
            result.Add(new Embedding<float>(Shorten(vector, options?.Dimensions)) { ModelId = ModelId, CreatedAt = created });
        return result;
    }

    /// <summary>The first <paramref name="dimensions"/> components rescaled to unit length (Matryoshka-style), as the local generator does.</summary>
    private static float[] Shorten(float[] vector, int? dimensions)
    {
        if (dimensions is null || dimensions == vector.Length) return vector;
        if (dimensions < 1 || dimensions > vector.Length)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions,
                $"options.Dimensions must be between 1 and the model's dimension ({vector.Length}).");
        var head = vector[..dimensions.Value];
        float norm = TensorPrimitives.Norm(head);
        if (norm > 0) TensorPrimitives.Divide(head, norm, head);
        return head;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return Metadata;
        if (serviceType == typeof(IGrainFactory)) return _grains;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the cluster client belongs to the caller.</summary>
    public void Dispose() { }
}
