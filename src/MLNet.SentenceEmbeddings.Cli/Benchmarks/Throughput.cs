using System.Diagnostics;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>Timing shared by the throughput benchmarks: interleaved rounds (drift hits every variant alike), median per variant.</summary>
public static class Throughput
{
    public static double Median(IEnumerable<double> values)
    {
        var s = values.OrderBy(x => x).ToList();
        if (s.Count == 0) throw new ArgumentException("No values.", nameof(values));
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>Runs each variant once per round, in turn; returns the median seconds of each, in the variants' order.</summary>
    /// <param name="variants">Named actions, each doing the whole measured work once.</param>
    /// <param name="rounds">Rounds (at least 1).</param>
    /// <param name="report">Called after every run with (name, round, seconds).</param>
    public static Dictionary<string, double> InterleavedMedianSeconds(IReadOnlyList<(string Name, Action Run)> variants, int rounds,
        Action<string, int, double>? report = null)
    {
        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach (var (name, run) in variants)
            {
                var sw = Stopwatch.StartNew();
                run();
                times[name].Add(sw.Elapsed.TotalSeconds);
                report?.Invoke(name, r, sw.Elapsed.TotalSeconds);
            }
        }
        return times.ToDictionary(kv => kv.Key, kv => Median(kv.Value));
    }
}
