using System.Diagnostics;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>Throughput of several pipelines measured in interleaved rounds, so that all of them share the machine's state.</summary>
public static class InterleavedRounds
{
    /// <summary>
    /// Sentences/s of each pipeline: a warm-up on 256 sentences (allocator, kernels, caches), then <paramref name="rounds"/>
    /// rounds over all pipelines in turn; the median round counts.
    /// </summary>
    public static Dictionary<string, double> Measure(IReadOnlyList<(string Name, Action<IReadOnlyList<string?>> Run)> pipelines,
        IReadOnlyList<string?> sentences, int rounds, Action<string> log)
    {
        foreach (var p in pipelines) p.Run(sentences.Take(256).ToList());
        var times = pipelines.ToDictionary(p => p.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach (var p in pipelines)
            {
                var sw = Stopwatch.StartNew();
                p.Run(sentences);
                times[p.Name].Add(sw.Elapsed.TotalSeconds);
                log($"round {r + 1}/{rounds}: {p.Name,-32} {sentences.Count / sw.Elapsed.TotalSeconds,8:F1} sentences/s");
            }
        }
        return times.ToDictionary(kv => kv.Key, kv => sentences.Count / Median(kv.Value));
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }
}
