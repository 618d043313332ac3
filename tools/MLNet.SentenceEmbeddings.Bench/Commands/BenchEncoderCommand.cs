using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench encoder</c>: sentences/s on unique STSb sentences for this encoder in fp32 and bf16 and for ONNX
/// Runtime on the same ONNX file, in interleaved rounds of the same process (median reported), plus the cost of
/// no length sorting and the STSb-test Spearman of each variant.
/// </summary>
public static class BenchEncoderCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "an embedded model (ONNX Runtime runs its ONNX file): default | minilm | arctic-xs", DefaultValueFactory = _ => "default" };
    private static readonly Option<int> Sentences = CliOptions.Int("--sentences", "unique STSb sentences to embed per round", 10_000, min: 100);
    private static readonly Option<int> Rounds = CliOptions.Int("--rounds", "interleaved rounds", 3);
    private static readonly Option<int> Threads = CliOptions.Int("--threads", "threads for both libtorch and ONNX Runtime (default: cores)", Environment.ProcessorCount);
    private static readonly Option<int> BatchSize = CliOptions.Int("--batch-size", "sentences per forward pass", 32);
    private static readonly BenchReportOptionSet Report = new("benchmarks.md");

    public static Command Create() => Report.AddTo(new Command("encoder", "sentences/s (median of interleaved rounds) of this encoder in fp32 and bf16 vs ONNX Runtime on the same ONNX file, and STSb-test Spearman; writes docs/benchmarks.md")
    {
        Model, Sentences, Rounds, Threads, BatchSize,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string modelName = args.GetValue(Model)!;
        int count = args.GetValue(Sentences);
        int rounds = args.GetValue(Rounds);
        int threads = args.GetValue(Threads);
        int batchSize = args.GetValue(BatchSize);
        string data = Report.StsbRoot(args);
        string? report = Report.ReportPath(args);
        bool json = args.GetValue(Report.Json);
        var model = PretrainedModels.Find(modelName) ?? throw new UsageException($"--model: '{modelName}' is not an embedded model; the benchmark needs its ONNX file.");

        var sentences = BenchmarkInputs.UniqueStsbSentences(data).Take(count).ToList<string?>();
        var test = StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv"));

        using var speed = new EncoderSpeedVariants(model, threads, batchSize);
        var variants = speed.Sorted;
        var rate = EncoderSpeedVariants.Measure(variants, sentences, rounds, output.WriteLine);
        // Unsorted batches are slow; one round of each is enough to show the effect of smart batching.
        foreach (var (name, r) in EncoderSpeedVariants.Measure(speed.Unsorted, sentences, 1, output.WriteLine)) rate[name] = r;

        double Spearman(Func<IReadOnlyList<string?>, float[][]> encode)
        {
            var a = encode(test.Select(p => (string?)p.Sentence1).ToList());
            var b = encode(test.Select(p => (string?)p.Sentence2).ToList());
            var cos = a.Zip(b, (x, y) => (double)VectorMath.Cosine(x, y)).ToList();
            return 100 * Correlation.Spearman(cos, test.Select(p => p.Score).ToList());
        }
        var spearman = variants.ToDictionary(v => v.Name, v => Spearman(v.Encode));

        double ortRate = rate[variants[0].Name];
        // Whether bf16 can pay off at all on this machine: one encoder-shaped GEMM, bf16 vs fp32.
        double gemmRatio = MatmulProbe.BFloat16VsFloat32();
        var md = new StringBuilder();
        md.AppendLine($"## Encoder throughput: {model.Name}");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
        md.AppendLine($"Command: `dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- encoder --model {modelName} --sentences {count} --rounds {rounds} --threads {threads} --batch-size {batchSize}`");
        md.AppendLine();
        md.AppendLine($"{sentences.Count:N0} unique STSb sentences per round, batch {batchSize}, {threads} threads for both runtimes; sorted rows are the median of {rounds} interleaved rounds, unsorted rows one round (after a warm-up).");
        md.AppendLine();
        md.AppendLine("| pipeline | sentences/s | vs ONNX Runtime | STSb test Spearman x100 |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, r) in rate)
            md.AppendLine($"| {name} | {r:F1} | {r / ortRate:F2}x | {(spearman.TryGetValue(name, out var s) ? s.ToString("F2", CultureInfo.InvariantCulture) : "")} |");
        double sortGain = rate["TorchSharp fp32 (sorted)"] / rate["TorchSharp fp32 (unsorted)"] - 1;
        double bfDrop = spearman["TorchSharp fp32 (sorted)"] - spearman["TorchSharp bf16 (sorted)"];
        md.AppendLine();
        md.AppendLine($"Smart batching (length-sorted) gain for TorchSharp fp32: {100 * sortGain:+0;-0}%. bf16 Spearman change vs fp32: {-bfDrop:+0.00;-0.00} points.");
        md.AppendLine($"One encoder-shaped bf16 GEMM ((512x384)·(384x1536), `MatmulProbe.BFloat16VsFloat32`) runs at {gemmRatio:F2}x the float32 speed on this machine: " +
                      "bf16 can only be faster where that ratio is above 1.");
        output.WriteLine();
        output.Write(md);
        if (report is not null)
        {
            MarkdownReport.WriteSection(report, $"bench-encoder-{model.Name}", "Benchmarks", md.ToString());
            output.WriteLine($"\nwrote {report}");
            // The same figures as a chart beside the report (`bench plots` redraws it from the report).
            string chart = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(report))!, model == PretrainedModels.AllMiniLmL6V2 ? "speed.png" : $"speed-{model.Name}.png");
            SpeedChart.Save(chart, $"{model.Name}: sentences/s, batch {batchSize} (bench encoder)", rate.Select(kv => (kv.Key, kv.Value)).ToList(),
                $"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
            output.WriteLine($"wrote {chart}");
        }
        if (json)
        {
            var o = new JsonObject { ["model"] = model.Name, ["sentences"] = sentences.Count, ["threads"] = threads, ["batch_size"] = batchSize };
            var rates = new JsonObject();
            foreach (var (name, r) in rate) rates[name] = Math.Round(r, 1);
            o["sentences_per_second"] = rates;
            var sp = new JsonObject();
            foreach (var (name, s) in spearman) sp[name] = Math.Round(s, 2);
            o["stsb_test_spearman"] = sp;
            o["bf16_gemm_speed_vs_fp32"] = Math.Round(gemmRatio, 2);
            output.WriteLine(o.ToJsonString());
        }
        return 0;
    }
}
