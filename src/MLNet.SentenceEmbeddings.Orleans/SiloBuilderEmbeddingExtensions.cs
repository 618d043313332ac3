using Microsoft.Extensions.DependencyInjection;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>Makes a silo embed: its encoder, the online embedding grain and the batch job grains.</summary>
public static class SiloBuilderEmbeddingExtensions
{
    /// <summary>
    /// The grain storage the job grains keep their progress in: register one under this name that outlives a silo
    /// (e.g. <c>AddRedisGrainStorage(JobStorageName, ...)</c>); memory storage only suits a single silo.
    /// </summary>
    public const string JobStorageName = "sbert-jobs";

    /// <summary>Registers the silo's encoder (loaded while the silo starts) and the options of its dynamic batching.</summary>
    public static ISiloBuilder AddSentenceEmbeddings(this ISiloBuilder builder, Action<SiloEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SiloEmbeddingOptions>();
        if (configure is not null) options.Configure(configure);
        builder.Services.AddSingleton<SiloEncoder>();
        builder.Services.AddHostedService<SiloEncoderWarmup>();
        return builder;
    }
}
