using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench soak</c>: for --minutes, 8 callers share one <see cref="SentenceEmbeddingGenerator"/> while another
/// thread repeats the ML.NET cycle Fit, Transform, Save, Load, Transform, Dispose. Every vector is compared bit for bit
/// with the same call made single-threaded before the soak; resident memory is sampled throughout. Writes the
/// generated soak section of docs/reliability.md.
/// </summary>
public static class BenchSoakCommand
{
    private static readonly Option<double> Minutes = new("--minutes") { Description = "how long the soak runs", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Callers = CliOptions.Int("--callers", "concurrent callers of the generator", 8);
    private static readonly Option<int> SampleSeconds = CliOptions.Int("--sample-seconds", "seconds between resident-memory samples", 15);
    private static readonly Option<double> WarmupFraction = new("--warmup") { Description = "share of the run counted as warm-up before memory must stay flat", DefaultValueFactory = _ => 0.2 };
    private static readonly Option<double> FloorWindow = new("--window-minutes") { Description = "window whose lowest resident-memory sample is its floor", DefaultValueFactory = _ => 2 };
    private static readonly BenchReportOptionSet Report = new("reliability.md");

    public static Command Create() => Report.AddTo(new Command("soak", "10 minutes of 8 concurrent generator callers and repeated ML.NET Fit/Transform/Save/Load, " +
        "every vector checked against a single-threaded run, resident memory sampled; writes docs/reliability.md")
    {
        Minutes, Callers, SampleSeconds, WarmupFraction, FloorWindow,
    }).SetRun((r, ct) => Run(r, ct, Console.Out));

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private sealed class VectorRow
    {
        [VectorType(384)] public float[] Features { get; set; } = [];
    }

    private sealed record Sample(double Minutes, double RssMb, double ManagedMb, long GeneratorCalls, long MlCycles, long Mismatches, long Errors, double Load1);

    /// <summary>Caller c's calls: three calls over its own slice of 40 sentences (slices overlap; odd callers reversed).</summary>
    private static List<List<string>> CallsOf(int c, IReadOnlyList<string> pool)
    {
        var slice = Enumerable.Range(0, 40).Select(i => pool[(25 * c + i) % pool.Count]).ToList();
        if (c % 2 == 1) slice.Reverse();
        return [slice.Take(7).ToList(), slice.Skip(7).Take(17).ToList(), slice.Skip(24).ToList()];
    }

    private static bool Same(float[][] a, float[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output)
    {
        double minutes = args.GetValue(Minutes), warmup = args.GetValue(WarmupFraction);
        int callers = args.GetValue(Callers), every = args.GetValue(SampleSeconds);
        string data = Report.StsbRoot(args);
        string? report = Report.ReportPath(args);
        var pool = BenchmarkInputs.UniqueStsbSentences(data).Take(200).ToList();
        var mlRows = pool.Take(64).Select(t => new TextRow { Text = t }).ToList();
        string zip = Path.Combine(Path.GetTempPath(), $"sbert-bench-soak-{Environment.ProcessId}.zip");

        // References: the same calls, one after another on this thread.
        using var generator = SentenceEmbeddingGenerator.Load("default");
        float[][] Generate(List<string> texts) => generator.GenerateAsync(texts).GetAwaiter().GetResult().Select(e => e.Vector.ToArray()).ToArray();
        var calls = Enumerable.Range(0, callers).Select(c => CallsOf(c, pool)).ToList();
        var expected = calls.Select(cs => cs.Select(Generate).ToList()).ToList();
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(mlRows);
        float[][] Features(ITransformer t) => ml.Data.CreateEnumerable<VectorRow>(t.Transform(view), reuseRowObject: false).Select(r => r.Features).ToArray();
        var estimator = ml.Transforms.SentenceEmbedding(outputColumnName: "Features", inputColumnName: nameof(TextRow.Text));
        float[][] fitted, loaded;
        using (var first = estimator.Fit(view))
        {
            fitted = Features(first);
            ml.Model.Save(first, view.Schema, zip);
        }
        var firstLoaded = ml.Model.Load(zip, out _);
        loaded = Features(firstLoaded);
        (firstLoaded as IDisposable)?.Dispose();
        output.WriteLine($"references: {callers} callers x 3 calls, ML.NET {mlRows.Count} rows (fitted and loaded); soaking for {minutes} min");

        long generatorCalls = 0, vectorsChecked = 0, mlCycles = 0, mismatches = 0, errors = 0;
        var errorMessages = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Fail(string what, Exception e) { Interlocked.Increment(ref errors); if (errorMessages.Count < 5) errorMessages.Enqueue($"{what}: {e.GetType().Name}: {e.Message}"); }

        var workers = Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            for (int k = 0; !stop.IsCancellationRequested; k = (k + 1) % 3)
            {
                try
                {
                    var result = (await generator.GenerateAsync(calls[c][k])).Select(e => e.Vector.ToArray()).ToArray();
                    Interlocked.Increment(ref generatorCalls);
                    Interlocked.Add(ref vectorsChecked, result.Length);
                    if (!Same(expected[c][k], result)) Interlocked.Increment(ref mismatches);
                }
                catch (Exception e) { Fail($"generator caller {c}", e); }
            }
        })).ToList();
        workers.Add(Task.Run(() =>
        {
            string cycleZip = zip + ".cycle";
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using (var transformer = estimator.Fit(view))
                    {
                        var a = Features(transformer);
                        ml.Model.Save(transformer, view.Schema, cycleZip);
                        if (!Same(fitted, a)) Interlocked.Increment(ref mismatches);
                    }
                    var back = ml.Model.Load(cycleZip, out _);
                    try { if (!Same(loaded, Features(back))) Interlocked.Increment(ref mismatches); }
                    finally { (back as IDisposable)?.Dispose(); }
                    Interlocked.Add(ref vectorsChecked, 2L * mlRows.Count);
                    Interlocked.Increment(ref mlCycles);
                }
                catch (Exception e) { Fail("ML.NET cycle", e); }
            }
            File.Delete(cycleZip);
        }));

        var process = Process.GetCurrentProcess();
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            bool last = clock.Elapsed.TotalMinutes >= minutes || cancellationToken.IsCancellationRequested;
            process.Refresh();
            samples.Add(new Sample(clock.Elapsed.TotalMinutes, process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0,
                Interlocked.Read(ref generatorCalls), Interlocked.Read(ref mlCycles), Interlocked.Read(ref mismatches), Interlocked.Read(ref errors), LoadAverage()));
            var s = samples[^1];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Minutes,6:F1} min  RSS {s.RssMb,6:F0} MB  managed {s.ManagedMb,5:F0} MB  generator calls {s.GeneratorCalls,6}  ML.NET cycles {s.MlCycles,4}  mismatches {s.Mismatches}  errors {s.Errors}  load {s.Load1:F1}"));
            if (last) break;
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(every, Math.Max(0.1, (minutes - clock.Elapsed.TotalMinutes) * 60))));
        }
        stop.Cancel();
        Task.WaitAll(workers.ToArray());
        File.Delete(zip);
        cancellationToken.ThrowIfCancellationRequested();

        // The resident set is a sawtooth: each ML.NET cycle loads a model and writes and reads a ~90 MB zip, and the GC
        // and libtorch's allocator give memory back late. A leak shows as a rising floor, so the verdict is read off
        // the lowest sample of each window of --window-minutes after warm-up.
        var settled = samples.Where(s => s.Minutes >= warmup * minutes).ToList();
        double warm = settled[0].RssMb, low = settled.Min(s => s.RssMb), high = settled.Max(s => s.RssMb), end = samples[^1].RssMb;
        double windowMinutes = args.GetValue(FloorWindow);
        var floors = settled.GroupBy(s => (int)((s.Minutes - settled[0].Minutes) / windowMinutes))
            .Select(g => (Minutes: g.Average(s => s.Minutes), RssMb: g.Min(s => s.RssMb))).ToList();
        double slope = Slope(floors);
        bool flat = floors.Count >= 2 && floors[^1].RssMb <= 1.1 * floors[0].RssMb && slope <= 2;
        var loads = samples.Select(s => s.Load1).ToList();

        var md = new StringBuilder();
        md.AppendLine("## Soak: 8 concurrent generator callers and repeated ML.NET Fit/Transform/Save/Load");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}; load average (1 min) {loads.Min():F1} to {loads.Max():F1} during the run, " +
                      $"on {Environment.ProcessorCount} cores shared with other jobs.");
        md.AppendLine($"Command: `{BenchRootCommand.CommandPrefix} soak --minutes {minutes.ToString(CultureInfo.InvariantCulture)} --callers {callers}` (the whole process: references first, then the soak).");
        md.AppendLine();
        md.AppendLine("| what was tried | inputs | for | what happened |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine($"| `SentenceEmbeddingGenerator.GenerateAsync` (all-MiniLM-L6-v2) from {callers} concurrent callers sharing one generator | each caller cycles through its own 3 calls (7, 17 and 16 of 200 STSb sentences) | {minutes:F0} min | {samples[^1].GeneratorCalls:N0} calls; every vector bit-identical to the same call made single-threaded before the soak: {(mismatches == 0 ? "yes" : $"no, {mismatches} mismatching calls or cycles")} |");
        md.AppendLine($"| ML.NET `SentenceEmbedding` estimator: Fit, Transform, `Model.Save` (weights in the zip), `Model.Load`, Transform, Dispose, repeated on one thread while the callers run | 64 STSb sentences | {minutes:F0} min | {samples[^1].MlCycles:N0} cycles; both transforms bit-identical to the single-threaded reference each time |");
        md.AppendLine($"| errors | any exception from a caller or a cycle | {minutes:F0} min | {errors}{(errorMessages.IsEmpty ? "" : ": " + string.Join("; ", errorMessages))} |");
        md.AppendLine($"| resident memory (whole process) | sampled every {every} s | first {warmup:P0} counted as warm-up | {warm:F0} MB after warm-up, then a sawtooth between {low:F0} and {high:F0} MB, {end:F0} MB at the end; floor (lowest sample) of each {windowMinutes:F0}-minute window: {string.Join(", ", floors.Select(f => $"{f.RssMb:F0}"))} MB, trend {slope:+0.0;-0.0} MB/min: {(flat ? "flat" : "NOT flat")} (rule: the last floor within 10% of the first and a floor trend of at most 2 MB/min) |");
        md.AppendLine();
        md.AppendLine("| minutes | RSS (MB) | managed heap (MB) | generator calls | ML.NET cycles | mismatches | errors | load (1 min) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        int stride = Math.Max(1, samples.Count / 20);
        for (int i = 0; i < samples.Count; i++)
            if (i % stride == 0 || i == samples.Count - 1)
            {
                var s = samples[i];
                md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Minutes:F1} | {s.RssMb:F0} | {s.ManagedMb:F0} | {s.GeneratorCalls:N0} | {s.MlCycles:N0} | {s.Mismatches} | {s.Errors} | {s.Load1:F1} |"));
            }
        output.WriteLine();
        output.Write(md);
        if (report is not null)
        {
            MarkdownReport.WriteSection(report, "bench-soak", "Reliability", md.ToString());
            output.WriteLine($"\nwrote {report}");
        }
        if (args.GetValue(Report.Json))
            output.WriteLine(new System.Text.Json.Nodes.JsonObject
            {
                ["minutes"] = minutes, ["generator_calls"] = samples[^1].GeneratorCalls, ["ml_cycles"] = samples[^1].MlCycles, ["vectors_checked"] = vectorsChecked,
                ["mismatches"] = mismatches, ["errors"] = errors, ["rss_after_warmup_mb"] = Math.Round(warm), ["rss_end_mb"] = Math.Round(end),
                ["rss_trend_mb_per_min"] = Math.Round(slope, 2), ["flat"] = flat,
            }.ToJsonString());
        return mismatches == 0 && errors == 0 && flat ? 0 : 1;
    }

    /// <summary>Least-squares slope of y over x.</summary>
    private static double Slope(List<(double X, double Y)> points)
    {
        if (points.Count < 2) return 0;
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        return sxx == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
    }

    /// <summary>The 1-minute load average (/proc/loadavg), or NaN where there is none.</summary>
    private static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return double.NaN; }
    }
}
