using System.CommandLine;
using System.Diagnostics;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Reproduction;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert reproduce</c>: the SBERT paper's Tables 1, 2, 5, 6 and 7 on the data and encoders available here, printed,
/// and each written to its own generated section of the Markdown file named by <c>--output</c> (the prose around the
/// sections is kept). The benchmark project's <c>reproduction</c> command is the same with the repository's
/// docs/reproduction.md as its default.
/// </summary>
public static class ReproduceCommand
{
    /// <summary>Where a run writes when the user does not say.</summary>
    /// <param name="Report">Markdown to update; null prints only.</param>
    /// <param name="Artifacts">Folder for Table 2's trained encoder; null uses a temporary folder removed at the end.</param>
    /// <param name="CommandLine">How the docs name the command (with {0} for the table number).</param>
    /// <param name="Kept">Folder of the figures kept between runs; null: the artifacts folder.</param>
    public sealed record Defaults(string? Report, string? Artifacts, string CommandLine, string? Kept = null);

    /// <summary><c>sbert reproduce</c>: writes nothing unless <c>--output</c> / <c>--artifacts</c> say where.</summary>
    public static Command Create() => Create("reproduce", "the SBERT paper's Tables 1, 2, 5, 6 and 7 on the data and encoders here, printed " +
        "and, with --output, written into a Markdown file", () => new Defaults(null, null, "sbert reproduce --tables {0}"));

    public static Command Create(string name, string description, Func<Defaults> defaults)
    {
        var known = Tables.Select(t => t.Number).ToArray();
        var tables = CliOptions.List("--tables", "comma list (default: all but objectives, which reuses Table 2's encoders, and pairs, which reads Table 2's runs): 1 unsupervised STS (STSb, SICK-R; STS12-16 with --sts-years), " +
            "2 STSb training (every bi-encoder and cross-encoder row; --rows names them), 5 SentEval, 6 pooling/concatenation ablation (NLI softmax), 7 encoding speed, " +
            "objectives: every training objective scored on the same sets, pairs: Table 2's cross-encoder and regression bi-encoder on 1/8, 1/4 and 1/2 of STSb train", known);
        tables.Validators.Add(r =>
        {
            foreach (var t in r.GetValueOrDefault<string[]?>() ?? [])
                if (!known.Contains(t)) r.AddError($"--tables: unknown table '{t}'; expected some of {string.Join(", ", known)}.");
        });
        var quick = new Option<bool>("--quick") { Description = "subsample every data set and shorten training (a smoke test, about 5 min; the Markdown says so)" };
        var stsYears = new Option<string?>("--sts-years") { Description = "SentEval's data/downstream/STS folder (STS12-en-test ... STS16-en-test), if you have it" };
        var threads = CliOptions.Int("--threads", "libtorch and ONNX Runtime threads (default: cores)", Environment.ProcessorCount);
        var data = CliOptions.Data();
        var output = new Option<string?>("--output") { Description = "Markdown file to update, one generated section per table" };
        var artifacts = new Option<string?>("--artifacts") { Description = "where Table 2's trained encoders and the checkpoints of its stages under way go, so that a stopped run resumes (default: a temporary folder, removed at the end: nothing to resume from)" };
        var kept = new Option<string?>("--kept") { Description = "folder of Table 2's per-seed figures (table2-runs.json), read to resume and added to by every finished seed (default: the artifacts folder)" };
        var cache = new Option<string?>("--cache") { Description = "SentEval sentence-vector cache, shared with eval senteval (default: ~/.cache/mlnet-sentence-embeddings/senteval)" };
        var seeds = CliOptions.Int("--seeds", "Table 2: seeds (1..n) per trained row, reported as mean ± standard deviation (the paper: 10)", 1);
        var epochs = CliOptions.OptionalInt("--epochs", "Table 2: training epochs (default: the paper's 4; 1 with --quick)");
        var rows = CliOptions.List("--rows", "Table 2: train only these rows (default: all); the others report the seeds already kept, so two " +
            "processes can share the work", [.. Table2SupervisedSts.RowKeys]);
        var trainSeeds = CliOptions.List("--train-seeds", "Table 2: train only these of seeds 1..n (comma list; default: all); the others report " +
            "the figures already kept, so a missing seed whose teachers are on this machine is filled without training the seeds before it");
        var precision = EncoderOptionSet.PrecisionOption("--precision", "Table 2 and the objectives table: training precision; bf16 runs the forward " +
            "pass under libtorch's CPU autocast (faster only on CPUs with bf16 matrix units; kept runs of the other precision are compared, not reused)");
        var json = CliOptions.Json("{\"tables\": {\"1\": {\"minutes\": ..}, ..}, \"quick\": .., \"output\": ..}");
        var command = new Command(name, description + " (hours on 2 cores: Table 2 trains every row per seed, docs/kept-runs/table2-runs.json has the minutes; --quick minutes)")
        {
            tables, quick, stsYears, threads, data, output, artifacts, kept, cache, seeds, epochs, rows, trainSeeds, precision, json,
        };
        return command.SetRun((r, ct) =>
        {
            var d = defaults();
            return Run(new Settings(r.GetList(tables) ?? Tables.Where(t => t.ByDefault).Select(t => t.Number).ToArray(), r.GetValue(quick), r.GetValue(stsYears), r.GetValue(threads),
                r.GetValue(data), r.GetValue(output) ?? d.Report, r.GetValue(artifacts) ?? d.Artifacts, r.GetValue(kept) ?? d.Kept, r.GetValue(cache), r.GetValue(seeds), r.GetValue(epochs), r.GetList(rows),
                TrainSeeds(r.GetList(trainSeeds), r.GetValue(seeds)),
                EncoderOptionSet.ParsePrecision(r.GetValue(precision)!), r.GetValue(json), d.CommandLine), ct, Console.Out);
        });
    }

    /// <summary>--train-seeds as numbers, each one of the seeds 1..--seeds that the section reports.</summary>
    private static int[]? TrainSeeds(string[]? entries, int seeds) => entries?.Select(e =>
        int.TryParse(e, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) && k >= 1 && k <= seeds ? k
            : throw new UsageException($"--train-seeds: '{e}' is not one of the seeds 1 to {seeds} (--seeds {seeds})")).Distinct().Order().ToArray();

    private sealed record Settings(string[] Tables, bool Quick, string? StsYears, int Threads, string? Data, string? Report, string? Artifacts, string? Kept,
        string? Cache, int Seeds, int? Epochs, string[]? Table2Rows, int[]? Table2Seeds, Precision Precision, bool Json, string CommandLine);

    /// <summary>
    /// The tables in run order, by the paper's number, with the data sets each reads (catalog names) and whether a run
    /// without --tables includes it (not the sections that read Table 2's runs or encoders: they follow it, asked for).
    /// </summary>
    private static readonly (string Number, Func<ReproductionContext, StringBuilder> Run, string[] DataSets, bool ByDefault)[] Tables =
    {
        ("1", Table1UnsupervisedSts.Run, ["stsb", "sick"], true),
        ("2", Table2SupervisedSts.Run, ["stsb", "snli", "sick"], true),
        ("5", Table5SentEval.Run, SentEvalTasks.All.Select(EvalSentEvalCommand.DataSetName).ToArray(), true),
        ("6", Table6Ablation.Run, ["snli", "sick", "stsb"], true),
        ("7", Table7Speed.Run, ["stsb"], true),
        (Table2SupervisedSts.TrainingPairsId, Table2SupervisedSts.RunTrainingPairs, ["stsb", "snli", "sick"], false),
        (ObjectivesCompared.Id, ObjectivesCompared.Run, ["stsb", "sick", "snli", "quora", .. SentEvalTasks.All.Select(EvalSentEvalCommand.DataSetName)], false),
    };

    private static int Run(Settings settings, CancellationToken cancellationToken, TextWriter output)
    {
        var tables = settings.Tables;
        bool quick = settings.Quick;
        string? stsYears = settings.StsYears;
        if (stsYears is not null && !Directory.Exists(stsYears)) throw new UsageException($"--sts-years: folder not found: {stsYears}");
        // Every data set the chosen tables read is found (or downloaded) before the first model loads.
        var data = DataSetFolders.Locate(settings.Data, Tables.Where(t => tables.Contains(t.Number)).SelectMany(t => t.DataSets), output, cancellationToken,
            optional: (tables.Contains("1") || tables.Contains(ObjectivesCompared.Id)) && stsYears is null ? [Table1UnsupervisedSts.StsYears] : null);
        string? report = settings.Report;
        // Table 2's encoder must live until Table 5 has evaluated it; without --artifacts it goes to a temporary folder.
        string artifacts = settings.Artifacts ?? Path.Combine(Path.GetTempPath(), $"sbert-reproduce-{Environment.ProcessId}");
        string cache = settings.Cache ?? EvalSentEvalCommand.DefaultCache;
        string command = settings.CommandLine + (quick ? " --quick" : "") + (stsYears is null ? "" : " --sts-years DIR") + (settings.Seeds == 1 ? "" : $" --seeds {settings.Seeds}")
            + (settings.Epochs is int e ? $" --epochs {e}" : "") + (settings.Table2Rows is { } r ? $" --rows {string.Join(",", r)}" : "")
            + (settings.Table2Seeds is { } k ? $" --train-seeds {string.Join(",", k)}" : "")
            + (settings.Precision == Precision.BFloat16 ? " --precision bf16" : "") + $" --threads {settings.Threads}";
        var ctx = new ReproductionContext { Data = data, Quick = quick, Threads = settings.Threads, Log = output, StsYears = stsYears, Command = command,
            Artifacts = artifacts, Kept = settings.Kept, SentEvalCache = cache, Seeds = settings.Seeds, Epochs = settings.Epochs, Table2Rows = settings.Table2Rows, Table2Seeds = settings.Table2Seeds,
            TrainingPrecision = settings.Precision };
        if (quick) output.WriteLine("sbert reproduce --quick: subsampled data and shortened training; the figures are a smoke test, not comparable with the paper.");
        try { return RunTables(ctx, tables, report, settings.Json, cancellationToken, output); }
        finally
        {
            if (settings.Artifacts is null && Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        }
    }

    private static int RunTables(ReproductionContext ctx, string[] tables, string? report, bool json, CancellationToken cancellationToken, TextWriter output)
    {
        bool quick = ctx.Quick;
        var total = Stopwatch.StartNew();
        var minutes = new System.Text.Json.Nodes.JsonObject();
        ctx.TablesRun = string.Join(",", Tables.Select(t => t.Number).Where(tables.Contains));
        foreach (var (number, run, _, _) in Tables.Where(t => tables.Contains(t.Number)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sw = Stopwatch.StartNew();
            output.WriteLine($"\n== {(char.IsDigit(number[0]) ? "Table " : "")}{number} ==");
            string section = char.IsDigit(number[0]) ? $"reproduce-table{number}" : $"reproduce-{number}";
            ctx.WritePartial = report is null ? null : partial => MarkdownReport.WriteSection(report, section, "Reproducing Sentence-BERT", partial.ToString());
            var body = run(ctx);
            body.AppendLine();
            body.AppendLine($"Run time: {sw.Elapsed.TotalMinutes:F1} min.");
            output.WriteLine();
            output.Write(body);
            if (report is not null) MarkdownReport.WriteSection(report, section, "Reproducing Sentence-BERT", body.ToString());
            minutes[number] = new System.Text.Json.Nodes.JsonObject { ["minutes"] = Math.Round(sw.Elapsed.TotalMinutes, 2) };
        }
        output.WriteLine($"\ntotal {total.Elapsed.TotalMinutes:F1} min" + (report is null ? "" : $"; wrote {report}"));
        // The tables themselves are Markdown (docs/reproduction.md); the JSON says what ran, how long, and where it went.
        if (json) output.WriteLine(new System.Text.Json.Nodes.JsonObject { ["tables"] = minutes, ["quick"] = quick, ["output"] = report }.ToJsonString());
        return 0;
    }
}
