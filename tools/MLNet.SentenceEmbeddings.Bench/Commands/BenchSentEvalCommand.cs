using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.MLNet.SentEval;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench senteval</c>: every feature configuration tried on SentEval (poolings of MiniLM, Arctic-xs, both
/// encoders together, the token-embedding average, FeaturizeText, tuned encoders) with the same protocol, written
/// to docs/senteval.md beside the paper's SBERT-NLI-base row. Results are kept one file per configuration in
/// docs/senteval-results/, so a run of some configurations (even several runs at once) updates their rows and leaves the others.
/// </summary>
public static class BenchSentEvalCommand
{
    private static readonly string[] ConfigurationIds =
        ["minilm-mean", "minilm-mean-wide-c", "minilm-cls", "minilm-max", "minilm-mean+max", "minilm-layers-1-6", "minilm-first-last", "minilm-each-layer", "arctic-xs", "arctic-xs-layers-1-6",
         "minilm+arctic", "token-average", "featurize-text"];
    private static readonly Option<string[]?> Configs = CliOptions.List("--configs", "comma-separated configuration ids (default: all)", ConfigurationIds);
    private static readonly Option<string[]?> Tuned = CliOptions.List("--tuned", "extra encoder folders (e.g. from sbert train), one configuration each");
    private static readonly Option<float[]?> TunedLayers = CliOptions.Parsed<float[]?>("--tuned-layer-weights",
        "also runs each --tuned encoder with its token vectors averaged over hidden states, one weight each (embeddings' output first), as configuration tuned-layers:NAME",
        Modules.WeightedLayerPoolingModule.ParseWeights, []);
    private static readonly Option<string[]?> Concat = CliOptions.List("--concat",
        "comma-separated ids of embedding configurations (tuned:NAME included) whose vectors are concatenated into one more configuration; without --configs only it runs");
    private static readonly Option<IReadOnlyList<string>> Tasks = EvalSentEvalCommand.TasksOption();
    private static readonly Option<int> KFold = CliOptions.Int("--kfold", "folds", new SentEvalOptions().KFold, min: 2);
    private static readonly Option<bool> Quick = new("--quick") { Description = "3 folds, half the C grids: smoke run; written to the report marked as such" };
    private static readonly Option<string?> Cache = new("--cache") { Description = "sentence-vector cache (default: ~/.cache/mlnet-sentence-embeddings/senteval)" };
    private static readonly Option<int?> Threads = CliOptions.OptionalInt("--threads", "libtorch threads");
    private static readonly BenchReportOptionSet Report = new("senteval.md", json: false);

    public static Command Create() => Report.AddTo(new Command("senteval", "runs SentEval (sbert eval senteval's protocol) for each configuration; writes docs/senteval.md")
    {
        Configs, Tuned, TunedLayers, Concat, Tasks, KFold, Quick, Cache, Threads,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    /// <summary>SBERT-NLI-base, Table 5 of Reimers and Gurevych (2019): the reference row.</summary>
    private static readonly (string Task, double Accuracy)[] PaperSbertNliBase =
    {
        ("MR", 83.64), ("CR", 89.43), ("SUBJ", 94.39), ("MPQA", 89.86), ("SST2", 88.96), ("TREC", 89.6), ("MRPC", 76.00),
    };
    private const double PaperSbertNliBaseAverage = 87.41;

    /// <param name="CGrid">Replaces SentEval's C grids (an off-protocol experiment); null keeps them.</param>
    /// <param name="FittedPerFold">Its features are fitted inside each fold (no sentence vector of its own).</param>
    private sealed record Configuration(string Id, string Description, Func<ISentEvalFeatureSource> Create, double[]? CGrid = null, bool FittedPerFold = false);

    /// <summary>2^-2..2^10: SentEval's grid stops at 2^3 (2^5 for TREC/MRPC), and unit-length vectors often choose its edge.</summary>
    private static readonly double[] WideGrid = SentEvalOptions.Grids.PowersOfTwo(-2, 10);

    /// <summary>One configuration's stored outcome.</summary>
    public sealed class StoredResult
    {
        public string Id { get; set; } = "";
        public string Description { get; set; } = "";
        public string Date { get; set; } = "";
        public string Machine { get; set; } = "";
        public string Command { get; set; } = "";
        public bool Quick { get; set; }
        /// <summary>A C grid other than SentEval's was used.</summary>
        public bool WideGrid { get; set; }
        public double WallSeconds { get; set; }
        public List<StoredTask> Tasks { get; set; } = new();
    }

    public sealed class StoredTask
    {
        public string Task { get; set; } = "";
        public double Accuracy { get; set; }
        public double? F1 { get; set; }
        public double Dev { get; set; }
        public string C { get; set; } = "";
        public double FeatureSeconds { get; set; }
        public double ClassifierSeconds { get; set; }
        public int Fits { get; set; }
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        var tasks = args.GetValue(Tasks)!;
        bool quick = args.GetValue(Quick);
        int kfold = args.GetValue(KFold);
        int? threads = args.GetValue(Threads);
        string cache = args.GetValue(Cache) ?? EvalSentEvalCommand.DefaultCache;
        var tuned = args.GetList(Tuned) ?? [];
        var concat = args.GetList(Concat);
        var configList = args.GetList(Configs);
        string report = Report.ReportPath(args) ?? Path.Combine("docs", "senteval.md");

        EncoderFeatureSource Encoder(string model, PoolingMode? pooling, float[]? layerWeights = null) => EvalSentEvalCommand.Encoder(model,
            new SentenceEncoderOptions { Pooling = pooling, LayerWeights = layerWeights, Threads = threads }, cache);
        // Both encoders have 6 layers: weights of the embeddings' output, then layers 1 to 6.
        float[] layers1To6 = [0, 1, 1, 1, 1, 1, 1], firstAndLast = [0, 1, 0, 0, 0, 0, 1];
        var all = new List<Configuration>
        {
            new("minilm-mean", "all-MiniLM-L6-v2, MEAN (its own pooling, normalised)", () => Encoder("default", null)),
            new("minilm-mean-wide-c", "all-MiniLM-L6-v2, MEAN, C grid widened to 2^-2..2^10 (OFF-PROTOCOL: shows what SentEval's grid edge costs)",
                () => Encoder("default", null), WideGrid),
            new("minilm-cls", "all-MiniLM-L6-v2, CLS", () => Encoder("default", PoolingMode.Cls)),
            new("minilm-max", "all-MiniLM-L6-v2, MAX", () => Encoder("default", PoolingMode.Max)),
            new("minilm-mean+max", "all-MiniLM-L6-v2, MEAN+MAX concatenated (768)", () => Encoder("default", PoolingMode.Mean | PoolingMode.Max)),
            new("minilm-layers-1-6", "all-MiniLM-L6-v2, MEAN of the mean of layers 1 to 6 (WeightedLayerPooling, equal weights)", () => Encoder("default", null, layers1To6)),
            new("minilm-first-last", "all-MiniLM-L6-v2, MEAN of the mean of layers 1 and 6 (WeightedLayerPooling)", () => Encoder("default", null, firstAndLast)),
            new("minilm-each-layer", "all-MiniLM-L6-v2, MEAN of each of layers 1 to 6, concatenated (2304; the classifier learns the layer mix)",
                () => EachLayer("default", 6, threads, cache)),
            new("arctic-xs", "snowflake-arctic-embed-xs, CLS (its own pooling)", () => Encoder("arctic-xs", null)),
            new("arctic-xs-layers-1-6", "snowflake-arctic-embed-xs, CLS of the mean of layers 1 to 6 (WeightedLayerPooling, equal weights)", () => Encoder("arctic-xs", null, layers1To6)),
            new("minilm+arctic", "all-MiniLM-L6-v2 MEAN + arctic-embed-xs CLS, concatenated (768)",
                () => new ConcatenatedFeatureSource(new EmbeddingFeatureSource[] { Encoder("default", null), Encoder("arctic-xs", null) })),
            new("token-average", "all-MiniLM-L6-v2 input word-piece embeddings, averaged (GloVe-like)", () => new TokenEmbeddingAverageSource("default", cache)),
            new("featurize-text", "ML.NET FeaturizeText (word 1-2-grams + char 3-grams), fitted per training fold", () => new TextFeaturizerSource(), FittedPerFold: true),
        };
        var tunedLayers = args.GetList(TunedLayers);
        foreach (var folder in tuned)
        {
            string name = Path.GetFileName(folder.TrimEnd('/'));
            all.Add(new($"tuned:{name}", $"fine-tuned encoder {folder} (its own pooling)", () => Encoder(folder, null)));
            if (tunedLayers is not null)
                all.Add(new($"tuned-layers:{name}", $"fine-tuned encoder {folder}, its own pooling of hidden states averaged with weights " +
                    $"{string.Join(" ", tunedLayers.Select(x => x.ToString(CultureInfo.InvariantCulture)))} (WeightedLayerPooling)", () => Encoder(folder, null, tunedLayers)));
        }
        var concatenation = concat is null ? null : Concatenation(concat, all);
        if (concatenation is not null) all.Add(concatenation);
        // --concat alone runs only the concatenation: its parts are usually in the report already.
        var chosen = configList is null && concatenation is null ? all : (configList ?? []).Concat(concatenation is null ? [] : [concatenation.Id])
            .Select(id => all.FirstOrDefault(c => c.Id == id) ?? throw new UsageException($"--configs: unknown configuration '{id}'; expected {string.Join(", ", all.Select(c => c.Id))}."))
            .ToList();
        // After the configurations are checked, so a mistyped id fails before any data is looked for.
        var data = Report.DataFolders(args, tasks.Select(EvalSentEvalCommand.DataSetName).ToArray());

        string store = Path.ChangeExtension(report, null) + "-results";
        string command = "dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- senteval" +
                         (configList is null ? "" : $" --configs {string.Join(",", configList)}") + (tuned.Length == 0 ? "" : $" --tuned {string.Join(",", tuned)}") +
                         (tunedLayers is null ? "" : $" --tuned-layer-weights {string.Join(",", tunedLayers.Select(x => x.ToString(CultureInfo.InvariantCulture)))}") +
                         (concat is null ? "" : $" --concat {string.Join(",", concat)}") + (quick ? " --quick" : "") + (kfold != 10 ? $" --kfold {kfold}" : "") +
                         (threads is int n ? $" --threads {n}" : "") +
                         (tasks.Count == SentEvalTasks.All.Count ? "" : $" --tasks {string.Join(",", tasks)}");
        foreach (var config in chosen)
        {
            output.WriteLine($"== {config.Id}: {config.Description}");
            var options = new SentEvalOptions { KFold = kfold, Quick = quick, Log = log.WriteLine, CGrid = config.CGrid };
            var sw = Stopwatch.StartNew();
            using var source = config.Create();
            var runner = new SentEvalRunner(options: options);
            var done = new List<SentEvalTaskResult>();
            var stored = new StoredResult
            {
                Id = config.Id, Description = config.Description, Date = MachineInfo.Today, Machine = MachineInfo.Describe(),
                Command = command, Quick = quick, WideGrid = config.CGrid is not null,
            };
            foreach (string task in tasks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Saved after every task, so a long configuration (FeaturizeText) shows its finished tasks while it runs.
                var t = runner.Run(source, SentEvalTasks.Read(task, data.Root(EvalSentEvalCommand.DataSetName(task))));
                done.Add(t);
                stored.WallSeconds = sw.Elapsed.TotalSeconds;
                stored.Tasks.Add(new StoredTask
                {
                    Task = t.Task, Accuracy = t.Accuracy, F1 = t.F1, Dev = t.DevAccuracy,
                    C = string.Join("/", t.ChosenC.Distinct().Select(c => c.ToString(CultureInfo.InvariantCulture))),
                    FeatureSeconds = Math.Round(t.EmbeddingTime.TotalSeconds, 1), ClassifierSeconds = Math.Round(t.ClassifierTime.TotalSeconds, 1), Fits = t.Fits,
                });
                AtomicFile.WriteAllText(Path.Combine(store, FileName(config.Id)), JsonSerializer.Serialize(stored, new JsonSerializerOptions { WriteIndented = true }));
                var results = Directory.GetFiles(store, "*.json").Select(f => JsonSerializer.Deserialize<StoredResult>(File.ReadAllText(f))!).ToList();
                MarkdownReport.WriteSection(report, "senteval", "SentEval transfer tasks", Render(results, all.Select(c => c.Id).ToList()));
            }
            var outcome = new SentEvalReport(source.Name, done);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   average {outcome.Average:F2}, {stored.WallSeconds:F0} s; {report} updated"));
            output.WriteLine(outcome.ToJson());
        }
        return 0;
    }

    /// <summary>
    /// The model's own pooling of each of its layers 1 to <paramref name="layers"/> alone, side by side: the classifier
    /// weighs each layer's dimensions itself, a learned layer mix per dimension where WeightedLayerPooling fixes one
    /// weight per layer. One encoder per layer, since the cache keeps one vector per encoder setting.
    /// </summary>
    public static EmbeddingFeatureSource EachLayer(string model, int layers, int? threads, string? cache) =>
        new ConcatenatedFeatureSource(Enumerable.Range(1, layers).Select(layer => (EmbeddingFeatureSource)EvalSentEvalCommand.Encoder(model,
            new SentenceEncoderOptions
            {
                // One weight per hidden state, the embeddings' output first: only this layer counts.
                LayerWeights = Enumerable.Range(0, layers + 1).Select(i => i == layer ? 1f : 0f).ToArray(), Threads = threads,
            }, cache)).ToArray());

    /// <summary>
    /// One configuration whose vector is the parts' vectors side by side (each part keeps its own normalisation), as
    /// minilm+arctic is built; the parts must be sentence vectors, not features fitted per fold (featurize-text).
    /// </summary>
    private static Configuration Concatenation(string[] ids, List<Configuration> known)
    {
        if (ids.Length < 2) throw new UsageException($"--concat: needs at least two configuration ids, got {ids.Length}.");
        var parts = ids.Select(id => known.FirstOrDefault(c => c.Id == id)
            ?? throw new UsageException($"--concat: unknown configuration '{id}'; expected {string.Join(", ", known.Select(c => c.Id))}.")).ToList();
        if (parts.FirstOrDefault(c => c.CGrid is not null) is { } grid) throw new UsageException($"--concat: '{grid.Id}' changes the C grid; concatenate the configuration it repeats instead.");
        if (parts.FirstOrDefault(c => c.FittedPerFold) is { } fitted) throw new UsageException($"--concat: '{fitted.Id}' fits its features per fold and has no sentence vector to concatenate.");
        return new(string.Join(" + ", ids), "concatenated: " + string.Join("; ", parts.Select(c => c.Description)), () =>
        {
            var sources = new List<EmbeddingFeatureSource>();
            try
            {
                foreach (var part in parts) sources.Add((EmbeddingFeatureSource)part.Create());
                return new ConcatenatedFeatureSource(sources.ToArray());
            }
            catch { foreach (var s in sources) s.Dispose(); throw; }
        });
    }

    private static string FileName(string id) => string.Concat(id.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '+' ? ch : '_')) + ".json";

    private static string Render(List<StoredResult> results, List<string> order)
    {
        var tasks = SentEvalTasks.All;
        string F(double x) => x.ToString("F2", CultureInfo.InvariantCulture);
        var sorted = results.OrderBy(r => order.IndexOf(r.Id) is var i && i < 0 ? int.MaxValue : i).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var md = new StringBuilder();
        md.AppendLine("## Accuracy (%) per task, SentEval protocol, ML.NET logistic regression");
        md.AppendLine();
        md.AppendLine("Generated by `sbert-bench senteval`; each row gives the date, machine and command that produced it below the table.");
        md.AppendLine("MR, CR, SUBJ, MPQA: 10-fold CV with an inner 10-fold CV choosing C in 2^-2..2^3; TREC, MRPC: 10-fold CV on");
        md.AppendLine("train choosing C in 2^-1..2^5, then test; SST2: C in 2^-2..2^3 chosen on dev, then test. L-BFGS logistic");
        md.AppendLine("regression / maximum entropy with L2 = 1/C. MRPC features [|u-v|; u*v]; its F1 is in the last column.");
        md.AppendLine();
        md.AppendLine("| configuration | " + string.Join(" | ", tasks) + " | avg | MRPC F1 |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", tasks.Count + 2)));
        var text = sorted.FirstOrDefault(r => r.Id == "featurize-text");
        foreach (var r in sorted)
        {
            var cells = tasks.Select(t => r.Tasks.FirstOrDefault(x => x.Task == t) is { } x
                ? F(x.Accuracy) + (text is not null && r != text && text.Tasks.FirstOrDefault(y => y.Task == t) is { } y ? $" ({(x.Accuracy - y.Accuracy >= 0 ? "+" : "")}{F(x.Accuracy - y.Accuracy)})" : "")
                : "–");
            string avg = r.Tasks.Count == tasks.Count ? F(Math.Round(r.Tasks.Average(t => t.Accuracy), 2)) : "–";
            string f1 = r.Tasks.FirstOrDefault(x => x.Task == "MRPC")?.F1 is double f ? F(f) : "–";
            md.AppendLine($"| {r.Id}{(r.Quick ? " (QUICK, not the protocol)" : "")}{(r.WideGrid ? " (wider C grid, off-protocol)" : "")} | {string.Join(" | ", cells)} | {avg} | {f1} |");
        }
        md.AppendLine($"| paper: SBERT-NLI-base (Table 5) | {string.Join(" | ", PaperSbertNliBase.Select(p => F(p.Accuracy)))} | {F(PaperSbertNliBaseAverage)} | – |");
        md.AppendLine();
        md.AppendLine("In parentheses: the difference to the FeaturizeText row on the same task (positive: the configuration wins).");
        md.AppendLine();
        md.AppendLine("### Configurations, runs and time");
        md.AppendLine();
        md.AppendLine("| configuration | what | chosen C per task | features s (per task) | classifier s (per task) | wall s | date | quick |");
        md.AppendLine("|---|---|---|---|---|---:|---|---|");
        foreach (var r in sorted)
        {
            md.AppendLine($"| {r.Id} | {r.Description} | {string.Join("; ", r.Tasks.Select(t => $"{t.Task} {t.C}"))} | " +
                          $"{string.Join(" / ", r.Tasks.Select(t => t.FeatureSeconds.ToString("F0", CultureInfo.InvariantCulture)))} | " +
                          $"{string.Join(" / ", r.Tasks.Select(t => t.ClassifierSeconds.ToString("F0", CultureInfo.InvariantCulture)))} | " +
                          $"{r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture)} | {r.Date} | {(r.Quick ? "yes" : "no")} |");
        }
        md.AppendLine();
        foreach (var group in sorted.GroupBy(r => (r.Machine, r.Command)))
            md.AppendLine($"- `{group.Key.Command}` on {group.Key.Machine}: {string.Join(", ", group.Select(r => r.Id))}");
        md.AppendLine();
        md.AppendLine("Feature seconds are zero when the vectors came from the cache (`~/.cache/mlnet-sentence-embeddings/senteval`);");
        md.AppendLine("FeaturizeText featurizes inside each fold, so its cost is in the classifier column. Timings were taken on a shared machine.");
        return md.ToString();
    }
}
