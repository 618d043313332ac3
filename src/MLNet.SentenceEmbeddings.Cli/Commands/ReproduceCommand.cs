using System.Diagnostics;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Reproduction;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert reproduce</c>: the SBERT paper's Tables 1, 2, 5, 6 and 7 on the data and encoders available here, each
/// written to its own generated section of docs/reproduction.md (the prose around the sections is kept).
/// </summary>
public static class ReproduceCommand
{
    public const string Help =
        "sbert reproduce [options]\n" +
        "  Runs the paper's experiments on the data and encoders here and writes docs/reproduction.md, paper figures beside ours:\n" +
        "  1 unsupervised STS (STSb, SICK-R; STS12-16 with --sts-years), 2 STSb regression training, 5 SentEval,\n" +
        "  6 pooling/concatenation ablation (NLI softmax), 7 encoding speed. About an hour on 2 cores (55 min measured, with SentEval vectors cached by bench senteval); --quick about 5.\n" +
        "  --tables L         comma list of 1, 2, 5, 6, 7 (default: all)\n" +
        "  --quick            subsample every data set and shorten training (a smoke test; the doc says so)\n" +
        "  --sts-years DIR    SentEval's data/downstream/STS folder (STS12-en-test ... STS16-en-test), if you have it\n" +
        "  --threads N        libtorch and ONNX Runtime threads (default: cores)\n" +
        "  --data DIR         data folder (default: $SBERT_DATA_DIR or ../shared/data)\n" +
        "  --output FILE      Markdown to update (default: docs/reproduction.md in the repository)\n" +
        "  --artifacts DIR    where Table 2's trained encoder goes (default: artifacts/reproduction in the repository)\n" +
        "  --cache DIR        SentEval sentence-vector cache, shared with bench senteval (default: ~/.cache/mlnet-sentence-embeddings/senteval)\n" +
        "  --json             print {\"tables\": {\"1\": {\"minutes\": ..}, ..}, \"quick\": .., \"output\": ..} as the last line\n";

    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "quick", "json" };

    /// <summary>The tables in run order, by the paper's number.</summary>
    private static readonly (string Number, Func<ReproductionContext, StringBuilder> Run)[] Tables =
    {
        ("1", Table1UnsupervisedSts.Run),
        ("2", Table2SupervisedSts.Run),
        ("5", Table5SentEval.Run),
        ("6", Table6Ablation.Run),
        ("7", Table7Speed.Run),
    };

    public static int Run(ArgumentReader args, TextWriter output)
    {
        var known = Tables.Select(t => t.Number).ToList();
        string? tableList = args.Optional("tables");
        var tables = (tableList ?? string.Join(",", known)).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var t in tables.Where(t => !known.Contains(t)))
            throw new UsageException($"--tables: unknown table '{t}'; expected some of {string.Join(", ", known)}.");
        bool quick = args.Flag("quick");
        bool json = args.Flag("json");
        string? stsYears = args.Optional("sts-years");
        if (stsYears is not null && !Directory.Exists(stsYears)) throw new UsageException($"--sts-years: folder not found: {stsYears}");
        int threads = args.Int("threads", 1) ?? Environment.ProcessorCount;
        string data = BenchmarkInputs.DataFolder(args);
        string? root = MarkdownReport.FindRepositoryRoot();
        string? report = args.Optional("output") ?? (root is null ? null : Path.Combine(root, "docs", "reproduction.md"));
        string artifacts = args.Optional("artifacts") ?? Path.Combine(root ?? ".", "artifacts", "reproduction");
        string cache = args.Optional("cache") ?? EvalSentEvalCommand.DefaultCache;
        args.EnsureAllUsed();

        string command = "dotnet run -c Release --project src/MLNet.SentenceEmbeddings.Cli -- reproduce --tables {0}" + (quick ? " --quick" : "") +
                         (stsYears is null ? "" : " --sts-years DIR") + $" --threads {threads}";
        var ctx = new ReproductionContext { Data = data, Quick = quick, Threads = threads, Log = output, StsYears = stsYears, Command = command,
            Artifacts = artifacts, SentEvalCache = cache };
        if (quick) output.WriteLine("sbert reproduce --quick: subsampled data and shortened training; the figures are a smoke test, not comparable with the paper.");
        var total = Stopwatch.StartNew();
        var minutes = new System.Text.Json.Nodes.JsonObject();
        foreach (var (number, run) in Tables.Where(t => tables.Contains(t.Number)))
        {
            var sw = Stopwatch.StartNew();
            output.WriteLine($"\n== Table {number} ==");
            var body = run(ctx);
            body.AppendLine();
            body.AppendLine($"Run time: {sw.Elapsed.TotalMinutes:F1} min.");
            output.WriteLine();
            output.Write(body);
            if (report is not null) MarkdownReport.WriteSection(report, $"reproduce-table{number}", "Reproducing Sentence-BERT", body.ToString());
            minutes[number] = new System.Text.Json.Nodes.JsonObject { ["minutes"] = Math.Round(sw.Elapsed.TotalMinutes, 2) };
        }
        output.WriteLine($"\ntotal {total.Elapsed.TotalMinutes:F1} min" + (report is null ? "" : $"; wrote {report}"));
        // The tables themselves are Markdown (docs/reproduction.md); the JSON says what ran, how long, and where it went.
        if (json) output.WriteLine(new System.Text.Json.Nodes.JsonObject { ["tables"] = minutes, ["quick"] = quick, ["output"] = report }.ToJsonString());
        return 0;
    }
}
