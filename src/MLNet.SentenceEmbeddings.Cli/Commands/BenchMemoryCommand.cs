using System.Diagnostics;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Data;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert bench memory</c>: embeds many sentences in chunks and records the process's resident memory after each,
/// to show that it stays flat after warm-up (no tensor leak) and under budget.
/// </summary>
public static class BenchMemoryCommand
{
    public const string Help =
        "sbert bench memory [options]\n" +
        "  Embeds N sentences (STSb sentences, numbered to make them distinct) in chunks; records resident memory.\n" +
        "  --model M          (default: default)\n" +
        "  --sentences N      (default 100000)\n" +
        "  --chunk N          sentences per Encode call (default 5000)\n" +
        "  --precision P      fp32 | bf16 (default fp32)\n" +
        BenchmarkInputs.Help +
        "  --json             print one JSON object as the last line of standard output\n";

    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "json" };

    public static int Run(ArgumentReader args, TextWriter output)
    {
        string modelName = args.Optional("model") ?? "default";
        int total = args.Int("sentences", 1) ?? 100_000;
        int chunk = args.Int("chunk", 1) ?? 5_000;
        var precision = EncoderArguments.ParsePrecision(args.Optional("precision") ?? "fp32");
        string data = BenchmarkInputs.DataFolder(args);
        string? report = BenchmarkInputs.ReportPath(args);
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        var pool = BenchmarkInputs.UniqueStsbSentences(data);
        using var encoder = SentenceEncoder.Load(modelName, new SentenceEncoderOptions { Precision = precision });
        var process = Process.GetCurrentProcess();
        double Rss() { process.Refresh(); return process.WorkingSet64 / (1024.0 * 1024); }

        var samples = new List<(int Done, double RssMb, long LiveTensors)>();
        var sw = Stopwatch.StartNew();
        var buffer = new float[chunk * encoder.Dimension];
        for (int done = 0; done < total;)
        {
            int n = Math.Min(chunk, total - done);
            // Numbered so that no two inputs are equal, as in a real corpus.
            var batch = Enumerable.Range(done, n).Select(i => (string?)$"{pool[i % pool.Count]} ({i / pool.Count})").ToList();
            encoder.Encode(batch, buffer);
            done += n;
            samples.Add((done, Rss(), DisposeScopeManager.Statistics.ThreadTotalLiveCount));
            output.WriteLine($"{done,8} sentences  RSS {samples[^1].RssMb,7:F0} MB  live tensors {samples[^1].LiveTensors}");
        }
        double seconds = sw.Elapsed.TotalSeconds;
        var afterWarmup = samples.Skip(Math.Min(1, samples.Count - 1)).ToList();
        double first = afterWarmup[0].RssMb, peak = samples.Max(s => s.RssMb), last = samples[^1].RssMb;

        var md = new StringBuilder();
        md.AppendLine($"## Resident memory over {total:N0} sentences: {modelName}, {precision}");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
        md.AppendLine($"Command: `dotnet run -c Release --project src/MLNet.SentenceEmbeddings.Cli -- bench memory --model {modelName} --sentences {total} --chunk {chunk} --precision {(precision == Precision.Float32 ? "fp32" : "bf16")}`");
        md.AppendLine();
        md.AppendLine($"{total:N0} distinct inputs in calls of {chunk:N0}, {seconds:F0} s in all ({total / seconds:F0} sentences/s).");
        md.AppendLine($"Resident memory after the first call (warm-up): {first:F0} MB; peak: {peak:F0} MB; at the end: {last:F0} MB " +
                      $"(change after warm-up: {last - first:+0;-0} MB). Live TorchSharp tensors on the encoding thread at the end: {samples[^1].LiveTensors} " +
                      $"(after the first call: {samples[0].LiveTensors}).");
        md.AppendLine();
        md.AppendLine("| sentences | RSS (MB) |");
        md.AppendLine("|---:|---:|");
        int step = Math.Max(1, samples.Count / 10);
        for (int i = 0; i < samples.Count; i++)
            if (i % step == 0 || i == samples.Count - 1) md.AppendLine($"| {samples[i].Done:N0} | {samples[i].RssMb:F0} |");
        output.WriteLine();
        output.Write(md);
        if (report is not null)
        {
            MarkdownReport.WriteSection(report, $"bench-memory-{modelName}-{precision}", "Benchmarks", md.ToString());
            output.WriteLine($"\nwrote {report}");
        }
        if (json)
            output.WriteLine(new System.Text.Json.Nodes.JsonObject
            {
                ["model"] = modelName, ["precision"] = precision.ToString(), ["sentences"] = total, ["seconds"] = Math.Round(seconds, 1),
                ["rss_after_warmup_mb"] = Math.Round(first), ["rss_peak_mb"] = Math.Round(peak), ["rss_end_mb"] = Math.Round(last),
                ["live_tensors_end"] = samples[^1].LiveTensors,
            }.ToJsonString());
        return 0;
    }
}
