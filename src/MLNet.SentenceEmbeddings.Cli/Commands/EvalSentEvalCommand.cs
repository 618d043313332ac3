using System.CommandLine;
using System.Globalization;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.MLNet.SentEval;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert eval senteval</c>: SentEval transfer tasks (MR, CR, SUBJ, MPQA, SST2, TREC, MRPC) with ML.NET logistic
/// regression on frozen features, SentEval's protocol (SBERT paper, Table 5).
/// </summary>
public static class EvalSentEvalCommand
{
    private static readonly SentEvalOptions Defaults = new();

    private static readonly Option<IReadOnlyList<string>> Tasks = TasksOption();
    private static readonly Option<string?> Data = CliOptions.Data("SentEval folder or the data folder above it");
    private static readonly Option<string> Features = new("--features") { Description = "what to classify on", DefaultValueFactory = _ => "encoder" };
    private static readonly Option<string?> Model2 = new("--model2") { Description = "concatenate a second encoder's vectors (its own pooling) to --model's" };
    private static readonly Option<int> KFold = CliOptions.Int("--kfold", "folds", Defaults.KFold, min: 2);
    private static readonly Option<string[]?> CGrid = CliOptions.List("--c-grid", "comma-separated C values replacing SentEval's grids (off-protocol)");
    private static readonly Option<bool> Quick = new("--quick") { Description = "3 folds and half of each C grid: a smoke run, not comparable figures" };
    private static readonly Option<double?> Tolerance = CliOptions.OptionalPositive("--tolerance", $"L-BFGS stopping tolerance (default {Defaults.OptimizationTolerance:G})");
    private static readonly Option<string?> Cache = new("--cache") { Description = "keep computed sentence vectors on disk, keyed by model, pooling and sentences" };
    private static readonly EncoderOptionSet EncoderSet = new();
    private static readonly Option<bool> Json = CliOptions.Json("{\"tasks\": {..}, \"average\": ..}");

    public static Command Create()
    {
        Features.AcceptOnlyFromAmong("encoder", "featurize-text", "token-average");
        return EncoderSet.AddTo(new Command("senteval", "SentEval transfer accuracy of frozen sentence features with ML.NET logistic regression " +
            "(SentEval's protocol: 10-fold CV with inner CV for C on MR/CR/SUBJ/MPQA, CV on train for TREC/MRPC, dev for SST2)")
        {
            Tasks, Data, Features, Model2, KFold, CGrid, Quick, Tolerance, Cache, Json,
        }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    /// <summary><c>--tasks</c>: a comma-separated subset of the seven SentEval tasks, all by default.</summary>
    public static Option<IReadOnlyList<string>> TasksOption() =>
        CliOptions.Parsed<IReadOnlyList<string>>("--tasks", "comma-separated SentEval tasks", t => SentEvalTasks.ParseList(t),
            SentEvalTasks.All.ToArray(), SentEvalTasks.All);

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        var tasks = args.GetValue(Tasks)!;
        // Each task's data set on its own: MR may come from the Hub while CR is on disk.
        var data = DataSetFolders.Locate(args.GetValue(Data), tasks.Select(DataSetName), log, cancellationToken);
        bool json = args.GetValue(Json);
        var options = new SentEvalOptions { KFold = args.GetValue(KFold), Quick = args.GetValue(Quick), Log = log.WriteLine };
        if (args.GetValue(Tolerance) is double tolerance) options.OptimizationTolerance = (float)tolerance;
        if (args.GetList(CGrid) is string[] grid)
        {
            var values = grid.Select(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : double.NaN).ToArray();
            if (values.Any(double.IsNaN)) throw new UsageException($"--c-grid expects comma-separated positive numbers, got '{string.Join(",", grid)}'.");
            options.CGrid = values;
        }
        var (model, encoderOptions) = EncoderSet.Bind(args);
        using var source = FeatureSource(args.GetValue(Features)!, model, encoderOptions, args.GetValue(Model2), args.GetValue(Cache));

        // One task at a time so the progress bar (stderr) moves per task; a task takes minutes on 2 cores.
        using var progress = ProgressReporter.For(log, "SentEval tasks", tasks.Count);
        options.Log = progress.Log;
        var runner = new SentEvalRunner(options: options);
        var results = new List<SentEvalTaskResult>();
        foreach (var task in tasks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.AddRange(runner.Run(source, data.Root(DataSetName(task)), new[] { task }).Tasks);
            progress.Report(results.Count, task);
        }
        progress.Complete();
        var report = new SentEvalReport(source.Name, results);
        output.WriteLine($"SentEval with {source.Name}{(options.Quick ? " (quick: NOT the protocol)" : "")}");
        output.WriteLine($"{"task",-6} {"accuracy",9} {"F1",7} {"dev",7}  C");
        foreach (var t in report.Tasks)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.Task,-6} {t.Accuracy,9:F2} {(t.F1 is double f ? f.ToString("F2", CultureInfo.InvariantCulture) : "-"),7} {t.DevAccuracy,7:F2}  {string.Join("/", t.ChosenC.Distinct())}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"avg",-6} {report.Average,9:F2}"));
        if (json) output.WriteLine(report.ToJson());
        return 0;
    }

    /// <summary>The catalog name of a SentEval task's data set (MR: mr, SST2: sst2, ...).</summary>
    public static string DataSetName(string task) => SentEvalTasks.Canonical(task).ToLowerInvariant();

    /// <summary>The features named by --features, --model, --model2 and the encoder options.</summary>
    private static ISentEvalFeatureSource FeatureSource(string features, string model, SentenceEncoderOptions encoderOptions, string? model2, string? cache)
    {
        switch (features)
        {
            case "featurize-text":
                return new TextFeaturizerSource();
            case "token-average":
                return new TokenEmbeddingAverageSource(model, cache);
            default:
                var first = Encoder(model, encoderOptions, cache);
                return model2 is null ? first
                    : new ConcatenatedFeatureSource(new EmbeddingFeatureSource[] { first, Encoder(model2, new SentenceEncoderOptions { BatchSize = encoderOptions.BatchSize, Threads = encoderOptions.Threads }, cache) });
        }
    }

    /// <summary>Where sbert-bench senteval and sbert reproduce keep sentence vectors: senteval/ under the library's cache root.</summary>
    public static string DefaultCache => Path.Combine(PretrainedModels.CacheRoot, "senteval");

    public static EncoderFeatureSource Encoder(string model, SentenceEncoderOptions o, string? cache) => new(new SentenceEmbeddingOptions
    {
        Model = model, Encoder = o,
    }, cacheDirectory: cache);
}
