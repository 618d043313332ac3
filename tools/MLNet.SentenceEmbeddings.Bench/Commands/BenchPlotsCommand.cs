using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench plots</c>: the STS scatter (predicted cosine vs gold on STSb test, computed now: accuracy only, safe
/// to run on a busy machine) and the speed chart (drawn from the figures `bench encoder` last wrote to the report; no
/// timing is measured here). PNGs beside the report, plus a section of it that shows them.
/// </summary>
public static class BenchPlotsCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "default | minilm | arctic-xs | PATH", DefaultValueFactory = _ => "default" };
    private static readonly BenchReportOptionSet Report = new("benchmarks.md");

    public static Command Create() => Report.AddTo(new Command("plots", "writes docs/sts-scatter.png (cosine vs gold on STSb test, computed now) and docs/speed.png (the speed table that 'bench encoder' last wrote to the report, redrawn; nothing is timed), and a section of the report showing both")
    {
        Model,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string modelName = args.GetValue(Model)!;
        string data = Report.StsbRoot(args);
        string report = Report.ReportPath(args) ?? throw new UsageException("--output: not in a repository; name the report to update.");
        bool json = args.GetValue(Report.Json);
        string docs = Path.GetDirectoryName(Path.GetFullPath(report))!;
        string footnote = $"{MachineInfo.Today}, {MachineInfo.Describe()}";

        // STS scatter.
        var test = StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv"));
        using var encoder = SentenceEncoder.Load(modelName);
        string name = PretrainedModels.Find(modelName)?.Name ?? Path.GetFileName(Path.GetFullPath(modelName));
        var cosine = new List<double>(test.Count);
        using (var progress = ProgressReporter.For(log, "embedding STSb test pairs", test.Count))
        {
            foreach (var chunk in test.Chunk(256))
            {
                var a = encoder.Encode(chunk.Select(p => (string?)p.Sentence1).ToList());
                var b = encoder.Encode(chunk.Select(p => (string?)p.Sentence2).ToList());
                cosine.AddRange(a.Zip(b, (x, y) => (double)VectorMath.Cosine(x, y)));
                progress.Report(cosine.Count);
            }
        }
        var gold = test.Select(p => p.Score).ToList();
        double spearman = 100 * Correlation.Spearman(cosine, gold);
        string scatter = Path.Combine(docs, "sts-scatter.png");
        StsScatterPlot.Save(scatter, $"{name} on STSb test", cosine, gold, spearman, footnote);
        log.WriteLine($"wrote {scatter} (Spearman {spearman:F2})");

        // Speed chart from the report's bench-encoder section.
        string markdown = File.Exists(report) ? File.ReadAllText(report) : "";
        string section = $"bench-encoder-{PretrainedModels.AllMiniLmL6V2.Name}";
        var speed = SpeedChart.ReadFromReport(markdown, section);
        string? speedPng = null;
        if (speed.Count > 0)
        {
            speedPng = Path.Combine(docs, "speed.png");
            string measured = SpeedChart.MeasuredLine(markdown, section) ?? "bench encoder";
            SpeedChart.Save(speedPng, "all-MiniLM-L6-v2: sentences/s, batch 32 (bench encoder)", speed, measured);
            log.WriteLine($"wrote {speedPng} from the '{section}' section of {report}");
        }
        else log.WriteLine($"no '{section}' section in {report}: run 'sbert-bench encoder' first for the speed chart");

        var md = new StringBuilder();
        md.AppendLine("## Plots");
        md.AppendLine();
        md.AppendLine($"Drawn {MachineInfo.Today} on {MachineInfo.Describe()}.");
        md.AppendLine($"Command: `dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- plots --model {modelName}`");
        md.AppendLine();
        md.AppendLine($"STSb test, {name}: cosine of the two sentence embeddings against the gold score, Spearman x100 = {spearman:F2} over {gold.Count} pairs.");
        md.AppendLine();
        md.AppendLine("![STS scatter](sts-scatter.png)");
        if (speedPng is not null)
        {
            md.AppendLine();
            md.AppendLine("The speed table above (the `bench encoder` section), as a chart; ONNX Runtime in grey:");
            md.AppendLine();
            md.AppendLine("![speed](speed.png)");
        }
        MarkdownReport.WriteSection(report, "bench-plots", "Benchmarks", md.ToString());
        output.Write(md);
        if (json)
            output.WriteLine(new JsonObject
            {
                ["model"] = name, ["pairs"] = gold.Count, ["stsb_test_spearman"] = Math.Round(spearman, 2),
                ["sts_scatter"] = scatter, ["speed_chart"] = speedPng, ["report"] = report,
            }.ToJsonString());
        return 0;
    }
}
