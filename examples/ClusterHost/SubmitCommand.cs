using Microsoft.Extensions.DependencyInjection;
using MLNet.SentenceEmbeddings.Corpora;
using MLNet.SentenceEmbeddings.Orleans;

namespace ClusterHost;

/// <summary>"submit": sends a job of shard files to the cluster and prints its progress until it ends.</summary>
public static class SubmitCommand
{
    public static async Task<int> RunAsync(HostSettings s)
    {
        if (s.Positional.Count == 0) throw new ArgumentException($"submit: name at least one shard file.\n{HostSettings.Usage}");
        var spec = new EmbeddingJobSpec
        {
            Shards = s.Positional.Select(Path.GetFullPath).ToArray(),
            OutputDirectory = Path.GetFullPath(s.Get("out") ?? throw new ArgumentException("submit: --out DIR is required.")),
            OutputFormat = Enum.Parse<EmbeddingFormat>(s.Get("format", "npy"), ignoreCase: true),
            Window = s.GetInt("window", EmbeddingJobSpec.DefaultWindow),
            Column = s.Get("column"),
        };
        string job = s.Get("job") ?? throw new ArgumentException("submit: --job ID is required (resubmitting the same id and spec resumes it).");
        using var client = await ClusterConnection.StartClientAsync(s.Get("redis"), s.Get("cluster-id", "sbert"));
        var grains = client.Services.GetRequiredService<IClusterClient>();
        await grains.SubmitEmbeddingJobAsync(job, spec);
        var final = await grains.WaitForEmbeddingJobAsync(job, new ConsoleProgress(""));
        Console.WriteLine(final.Succeeded ? $"done: {final.RowsDone:N0} row(s) in {spec.OutputDirectory} (manifest {spec.ManifestPath})" : $"failed: {final.Error}");
        await client.StopAsync();
        return final.Succeeded ? 0 : 1;
    }
}

/// <summary>Prints each progress report at once, in order (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
public sealed class ConsoleProgress(string prefix) : IProgress<EmbeddingJobProgress>
{
    public void Report(EmbeddingJobProgress value) => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {prefix}{value}");
}
