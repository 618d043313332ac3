using Orleans.TestingHost;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

/// <summary>One three-silo cluster for the tests that do not stop silos (each silo loads the model once).</summary>
[TestClass]
public static class SharedCluster
{
    /// <summary>Small enough that one oversized request shows the refusal.</summary>
    public const int QueueCapacity = 256;

    private static readonly Lazy<Task<InProcessTestCluster>> ClusterLazy =
        new(() => TestClusters.StartAsync(3, o => o.QueueCapacity = QueueCapacity));

    public static Task<InProcessTestCluster> GetAsync() => ClusterLazy.Value;

    /// <summary>Stops the shared cluster and removes the run's scratch files.</summary>
    [AssemblyCleanup]
    public static async Task StopAsync()
    {
        if (ClusterLazy.IsValueCreated) await (await ClusterLazy.Value).DisposeAsync();
        try { if (Directory.Exists(ShardCorpus.RunTempRoot)) Directory.Delete(ShardCorpus.RunTempRoot, recursive: true); }
        catch (IOException) { }   // a file still held by a silo process that is exiting
    }
}
