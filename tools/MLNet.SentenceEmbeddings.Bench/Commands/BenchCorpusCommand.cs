using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench corpus</c>: resident memory of <c>sbert embed</c> on a large corpus. Writes a corpus of N lines
/// (unique STSb sentences, numbered so that no two lines are equal), runs the sbert program on it as a separate
/// process (with --resume, so that the parts show its progress), samples that process's resident set from
/// /proc every few seconds, stops it after --minutes if it has not finished, and writes docs/corpora.md.
/// </summary>
public static class BenchCorpusCommand
{
    private static readonly Option<int> Lines = CliOptions.Int("--lines", "corpus lines", 1_000_000, min: 1_000);
    private static readonly Option<double> Minutes = new("--minutes") { Description = "stop the embedding after this long if it has not finished (0: run to the end)", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Window = CliOptions.Int("--window", "sbert embed's read-ahead window", CorpusEmbedder.DefaultWindow);
    private static readonly Option<int?> Threads = CliOptions.OptionalInt("--threads", "sbert embed's libtorch threads (default: one per core)");
    private static readonly Option<int> SampleSeconds = CliOptions.Int("--sample-seconds", "seconds between resident-memory samples", 5);
    private static readonly Option<string> Work = new("--work") { Description = "scratch folder for the corpus and the output", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "sbert-bench-corpus") };
    private static readonly BenchReportOptionSet Report = new("corpora.md");

    public static Command Create() => Report.AddTo(new Command("corpus", "resident memory of 'sbert embed' over a 1,000,000-line corpus (STSb sentences, numbered), " +
        "sampled from /proc while it runs, for --minutes; writes docs/corpora.md")
    {
        Lines, Minutes, Window, Threads, SampleSeconds, Work,
    }).SetRun((r, ct) => Run(r, ct, Console.Out));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output)
    {
        int lines = args.GetValue(Lines), window = args.GetValue(Window), every = args.GetValue(SampleSeconds);
        double minutes = args.GetValue(Minutes);
        string work = args.GetValue(Work)!, data = Report.StsbRoot(args);
        string? report = Report.ReportPath(args);
        Directory.CreateDirectory(work);
        string corpus = Path.Combine(work, $"stsb-{lines}.txt"), vectors = Path.Combine(work, "vectors.npy"), parts = ResumeParts.FolderFor(vectors);
        if (Directory.Exists(parts)) Directory.Delete(parts, recursive: true);
        File.Delete(vectors);

        var pool = BenchmarkInputs.UniqueStsbSentences(data);
        using (var writer = new StreamWriter(corpus, false, new UTF8Encoding(false)) { NewLine = "\n" })
            for (int i = 0; i < lines; i++) writer.WriteLine($"{pool[i % pool.Count]} ({i / pool.Count})");
        output.WriteLine($"wrote {corpus}: {lines:N0} lines from {pool.Count:N0} unique STSb sentences ({new FileInfo(corpus).Length / 1e6:F0} MB)");

        string sbert = Path.Combine(AppContext.BaseDirectory, "sbert.dll");
        int? threads = args.GetValue(Threads);
        string[] embedArgs = [ "embed", "--input", corpus, "--output", vectors, "--window", window.ToString(CultureInfo.InvariantCulture), "--resume",
            .. threads is int t ? new[] { "--threads", t.ToString(CultureInfo.InvariantCulture) } : [] ];
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(sbert);
        foreach (var a in embedArgs) psi.ArgumentList.Add(a);
        var samples = new List<(double Seconds, long Rows, double RssMb)>();
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(psi)!;
        var stderr = new StringBuilder();
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        child.OutputDataReceived += (_, _) => { };
        child.BeginErrorReadLine();
        child.BeginOutputReadLine();
        bool finished = false;
        double peakHwm = 0;
        while (true)
        {
            if (child.WaitForExit(TimeSpan.FromSeconds(every))) { finished = true; break; }
            if (cancellationToken.IsCancellationRequested) { child.Kill(); throw new OperationCanceledException(cancellationToken); }
            var (rss, hwm) = ResidentMegabytes(child.Id);
            peakHwm = Math.Max(peakHwm, hwm);
            long rows = Directory.Exists(parts) ? Directory.EnumerateFiles(parts, "part-*.npy").LongCount() * window : 0;
            samples.Add((clock.Elapsed.TotalSeconds, rows, rss));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,7:F0} s  {rows,9:N0} rows  RSS {rss,6:F0} MB"));
            if (minutes > 0 && clock.Elapsed.TotalMinutes >= minutes) break;
        }
        if (!finished) { child.Kill(); child.WaitForExit(); }
        double seconds = clock.Elapsed.TotalSeconds;
        long done = finished ? lines : samples.Count > 0 ? samples[^1].Rows : 0;
        if (finished && child.ExitCode != 0) throw new InvalidOperationException($"sbert embed failed ({child.ExitCode}):\n{stderr}");

        // Warm-up: until the first window has been written (model loaded, first batches run); flat means "no growth after".
        var afterWarmup = samples.Where(s => s.Rows > 0).ToList();
        double first = afterWarmup.Count > 0 ? afterWarmup[0].RssMb : double.NaN, last = afterWarmup.Count > 0 ? afterWarmup[^1].RssMb : double.NaN;
        double max = afterWarmup.Count > 0 ? afterWarmup.Max(s => s.RssMb) : double.NaN, min = afterWarmup.Count > 0 ? afterWarmup.Min(s => s.RssMb) : double.NaN;
        double rate = afterWarmup.Count > 1 ? (afterWarmup[^1].Rows - afterWarmup[0].Rows) / (afterWarmup[^1].Seconds - afterWarmup[0].Seconds) : double.NaN;
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

        var md = new StringBuilder();
        md.AppendLine($"## Resident memory of sbert embed on {lines:N0} lines, window {window:N0}");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()} (load average {load} at the end: the machine was shared).");
        md.AppendLine($"Command: `{BenchRootCommand.CommandPrefix} corpus --lines {lines} --minutes {minutes.ToString(CultureInfo.InvariantCulture)} --window {window}{(threads is int n ? $" --threads {n}" : "")} --sample-seconds {every}`, " +
                      $"which runs `sbert {string.Join(' ', embedArgs).Replace(work, "WORK")}` (all-MiniLM-L6-v2, fp32, batch 32, its defaults) as a child process.");
        md.AppendLine();
        md.AppendLine(finished
            ? $"The whole corpus was embedded in {seconds / 60:F1} min."
            : $"Stopped after {seconds / 60:F1} min with {done:N0} of {lines:N0} rows embedded ({100.0 * done / lines:F1}%): on these 2 shared cores the whole run would take about {(rate > 0 ? lines / rate / 3600 : double.NaN):F1} h. Memory does not depend on how far the run got: it holds one window of {window:N0} rows at a time.");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Resident set after warm-up (first window written): {first:F0} MB; over the rest of the run it stayed between {min:F0} and {max:F0} MB, ending at {last:F0} MB " +
            $"(change {last - first:+0;-0} MB); peak resident set (VmHWM) {peakHwm:F0} MB. Throughput after warm-up: {rate:F0} rows/s."));
        md.AppendLine();
        md.AppendLine("| minutes | rows done | RSS (MB) |");
        md.AppendLine("|---:|---:|---:|");
        int step = Math.Max(1, samples.Count / 20);
        for (int i = 0; i < samples.Count; i++)
            if (i % step == 0 || i == samples.Count - 1)
                md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {samples[i].Seconds / 60:F1} | {samples[i].Rows:N0} | {samples[i].RssMb:F0} |"));
        output.WriteLine();
        output.Write(md);
        if (report is not null)
        {
            // One section per window size: the default's, and any other measured beside it.
            string section = window == CorpusEmbedder.DefaultWindow ? "bench-corpus" : $"bench-corpus-window-{window}";
            MarkdownReport.WriteSection(report, section, "Corpora: streaming, resume and memory", md.ToString());
            output.WriteLine($"\nwrote {report}");
        }
        if (args.GetValue(Report.Json))
            output.WriteLine(new JsonObject
            {
                ["lines"] = lines, ["finished"] = finished, ["rows_done"] = done, ["minutes"] = Math.Round(seconds / 60, 2),
                ["rss_after_warmup_mb"] = Math.Round(first), ["rss_min_mb"] = Math.Round(min), ["rss_max_mb"] = Math.Round(max), ["rss_end_mb"] = Math.Round(last),
                ["rss_peak_hwm_mb"] = Math.Round(peakHwm), ["rows_per_second"] = Math.Round(rate, 1),
            }.ToJsonString());
        return 0;
    }

    /// <summary>VmRSS and VmHWM of a process, in MB, from /proc (0 when unreadable: not Linux, or the process just ended).</summary>
    private static (double Rss, double Hwm) ResidentMegabytes(int pid)
    {
        try
        {
            double rss = 0, hwm = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line) / 1024;
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kb(line) / 1024;
            }
            return (rss, hwm);
        }
        catch (IOException) { return (0, 0); }
        static double Kb(string line) => double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
