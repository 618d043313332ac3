using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>Registers <see cref="ClusterEmbeddingGenerator"/> as the app's embedding generator.</summary>
public static class ClusterEmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="IEmbeddingGenerator{String, Embedding}"/> embed on the cluster the registered Orleans client
    /// (<c>UseOrleansClient</c>) connects to. An app that embedded locally with
    /// <c>services.AddSingleton&lt;IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;&gt;(SentenceEmbeddingGenerator.Load("default"))</c>
    /// replaces that one line with this one; its consumers do not change.
    /// </summary>
    public static IServiceCollection AddClusterEmbeddingGenerator(this IServiceCollection services,
        string modelId = SiloEmbeddingOptions.DefaultModel, int textsPerCall = ClusterEmbeddingGenerator.DefaultTextsPerCall)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            new ClusterEmbeddingGenerator(sp.GetRequiredService<IGrainFactory>(), modelId, textsPerCall));
    }
}
