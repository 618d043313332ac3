using System.Diagnostics;
using System.Text;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench memory</c>: embeds many sentences in chunks and records the process's resident memory after each,
/// to show that it stays flat after warm-up (no tensor leak) and under budget.
/// </summary>
public static class BenchMemoryCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "default | minilm | arctic-xs | PATH", DefaultValueFactory = _ => "default" };
    private static readonly Option<int> Sentences = CliOptions.Int("--sentences", "sentences to embed", 100_000);
    private static readonly Option<int> Chunk = CliOptions.Int("--chunk", "sentences per Encode call", 5_000);
    private static readonly Option<string> Precision = EncoderOptionSet.PrecisionOption("--precision", "forward-pass precision");
    private static readonly BenchReportOptionSet Report = new("benchmarks.md");

    public static Command Create() => Report.AddTo(new Command("memory", "resident memory while embedding N sentences (STSb sentences, numbered to make them distinct) in chunks; writes docs/benchmarks.md")
    {
        Model, Sentences, Chunk, Precision,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string modelName = args.GetValue(Model)!;
        int total = args.GetValue(Sentences);
        int chunk = args.GetValue(Chunk);
        var precision = EncoderOptionSet.ParsePrecision(args.GetValue(Precision)!);
        string data = Report.StsbRoot(args);
        string? report = Report.ReportPath(args);
        bool json = args.GetValue(Report.Json);

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
        md.AppendLine($"Command: `dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- memory --model {modelName} --sentences {total} --chunk {chunk} --precision {(precision == SentenceEmbeddings.Precision.Float32 ? "fp32" : "bf16")}`");
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
