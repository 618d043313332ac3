namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>Throughput of several pipelines measured in interleaved rounds, so that all of them share the machine's state.</summary>
public static class InterleavedRounds
{
    /// <summary>
    /// Sentences/s of each pipeline: a warm-up on 256 sentences (allocator, kernels, caches), then <paramref name="rounds"/>
    /// rounds over all pipelines in turn (<see cref="Throughput.InterleavedMedianSeconds"/>); the median round counts.
    /// </summary>
    public static Dictionary<string, double> Measure(IReadOnlyList<(string Name, Action<IReadOnlyList<string?>> Run)> pipelines,
        IReadOnlyList<string?> sentences, int rounds, Action<string> log)
    {
        foreach (var p in pipelines) p.Run(sentences.Take(256).ToList());
        var seconds = Throughput.InterleavedMedianSeconds(pipelines.Select(p => (p.Name, (Action)(() => p.Run(sentences)))).ToList(), rounds,
            (name, r, s) => log($"round {r + 1}/{rounds}: {name,-32} {sentences.Count / s,8:F1} sentences/s"));
        return seconds.ToDictionary(kv => kv.Key, kv => sentences.Count / kv.Value);
    }
}
