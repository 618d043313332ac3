using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;
using Orleans.TestingHost;

[assembly: DoNotParallelize]

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

/// <summary>In-process Orleans clusters whose silos run <see cref="SiloBuilderEmbeddingExtensions.AddSentenceEmbeddings"/>.</summary>
internal static class TestClusters
{
    /// <summary>A started cluster of <paramref name="silos"/> silos with job storage that outlives each of them.</summary>
    public static async Task<InProcessTestCluster> StartAsync(int silos, Action<SiloEmbeddingOptions>? configure = null, SharedGrainStorage? storage = null)
    {
        storage ??= new SharedGrainStorage();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSentenceEmbeddings(configure);
            silo.Services.AddKeyedSingleton<IGrainStorage>(SiloBuilderEmbeddingExtensions.JobStorageName, storage);
            silo.Configure<ClusterMembershipOptions>(ClusterHost.ClusterConnection.FastFailureDetection);   // seconds, not half a minute
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
