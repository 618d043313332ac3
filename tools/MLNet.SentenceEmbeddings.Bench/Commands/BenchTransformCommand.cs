using System.Text;
using Microsoft.ML;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench transform</c>: throughput of the ML.NET transform (reading every vector through a cursor) against
/// the core encoder called directly, and of the same transform after mlContext.Model.Save/Load, in interleaved rounds.
/// </summary>
public static class BenchTransformCommand
{
    private static readonly Option<string> Model = new("--model") { Description = "default | minilm | arctic-xs | PATH", DefaultValueFactory = _ => "default" };
    private static readonly Option<int> Sentences = CliOptions.Int("--sentences", "unique STSb sentences", 10_000, min: 100);
    private static readonly Option<int> Rounds = CliOptions.Int("--rounds", "interleaved rounds", 3);
    private static readonly Option<int> Threads = CliOptions.Int("--threads", "libtorch threads (default: cores)", Environment.ProcessorCount);
    private static readonly BenchReportOptionSet Report = new("benchmarks.md");

    public static Command Create() => Report.AddTo(new Command("transform", "the ML.NET transform vs the core encoder, before and after Save/Load; writes docs/benchmarks.md")
    {
        Model, Sentences, Rounds, Threads,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private sealed class Row
    {
        public string Text { get; set; } = "";
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string model = args.GetValue(Model)!;
        int count = args.GetValue(Sentences);
        int rounds = args.GetValue(Rounds);
        int threads = args.GetValue(Threads);
        string data = Report.StsbRoot(args);
        string? report = Report.ReportPath(args);
        bool json = args.GetValue(Report.Json);

        var sentences = BenchmarkInputs.UniqueStsbSentences(data).Take(count).ToList<string?>();
        var ml = new MLContext(1);
        var view = ml.Data.LoadFromEnumerable(sentences.Select(s => new Row { Text = s! }).ToList());
        var encoderOptions = new SentenceEncoderOptions { Threads = threads };
        using var encoder = SentenceEncoder.Load(model, encoderOptions);
        using var transformer = ml.Transforms.SentenceEmbedding(new SentenceEmbeddingOptions
        {
            Columns = new[] { new InputOutputColumnPair("Features", "Text") }, Model = model, Encoder = new SentenceEncoderOptions { Threads = threads },
        }).Fit(view);
        string zip = Path.Combine(Path.GetTempPath(), $"sbert-bench-transform-{Environment.ProcessId}.zip");
        ml.Model.Save(transformer, view.Schema, zip);
        var loaded = ml.Model.Load(zip, out _);
        File.Delete(zip);

        var variants = new (string Name, Action<IReadOnlyList<string?>> Run)[]
        {
            ("SentenceEncoder.Encode (core)", s => encoder.Encode(s)),
            ("Transforms.SentenceEmbedding", _ => Drain(transformer.Transform(view))),
            ("same, after Model.Save/Load", _ => Drain(loaded.Transform(view))),
        };
        var rate = InterleavedRounds.Measure(variants, sentences, rounds, output.WriteLine);
        (loaded as IDisposable)?.Dispose();
        double core = rate[variants[0].Name];

        var md = new StringBuilder();
        md.AppendLine($"## ML.NET transform throughput: {model}");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
        md.AppendLine($"Command: `dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- transform --model {model} --sentences {count} --rounds {rounds} --threads {threads}`");
        md.AppendLine();
        md.AppendLine($"{sentences.Count:N0} unique STSb sentences, batch 32, {threads} threads; median of {rounds} interleaved rounds. " +
                      "The transform rows read every vector through an ML.NET cursor.");
        md.AppendLine();
        md.AppendLine("| pipeline | sentences/s | vs core encoder |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (name, r) in rate) md.AppendLine($"| {name} | {r:F1} | {r / core:F2}x |");
        output.WriteLine();
        output.Write(md);
        if (report is not null)
        {
            MarkdownReport.WriteSection(report, $"bench-transform-{model}", "Benchmarks", md.ToString());
            output.WriteLine($"\nwrote {report}");
        }
        if (json)
        {
            var rates = new System.Text.Json.Nodes.JsonObject();
            foreach (var (name, r) in rate) rates[name] = Math.Round(r, 1);
            output.WriteLine(new System.Text.Json.Nodes.JsonObject
                { ["model"] = model, ["sentences"] = sentences.Count, ["threads"] = threads, ["sentences_per_second"] = rates }.ToJsonString());
        }
        return 0;
    }

    private static void Drain(IDataView view)
    {
        var column = view.Schema["Features"];
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(column);
        var buffer = default(Microsoft.ML.Data.VBuffer<float>);
        while (cursor.MoveNext()) getter(ref buffer);
    }
}
