using System.Globalization;
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
    public const string Help =
        "sbert eval senteval [options]\n" +
        "  SentEval transfer accuracy of frozen sentence features with ML.NET logistic regression (SentEval's protocol:\n" +
        "  10-fold CV with inner CV for C on MR/CR/SUBJ/MPQA, CV on train for TREC/MRPC, dev for SST2).\n" +
        "  --tasks LIST       comma-separated: MR,CR,SUBJ,MPQA,SST2,TREC,MRPC (default: all)\n" +
        "  --data DIR         SentEval folder or the data folder above it (default: $SBERT_DATA_DIR or ../shared/data)\n" +
        "  --features F       encoder | featurize-text | token-average (default encoder)\n" +
        "  --model2 M         concatenate a second encoder's vectors (its own pooling) to --model's\n" +
        "  --kfold N          folds (default 10)\n" +
        "  --c-grid LIST      comma-separated C values replacing SentEval's grids (off-protocol)\n" +
        "  --quick            3 folds and half of each C grid: a smoke run, not comparable figures\n" +
        "  --tolerance X      L-BFGS stopping tolerance (default 1e-5)\n" +
        "  --cache DIR        keep computed sentence vectors on disk, keyed by model, pooling and sentences\n" +
        "  --json             print {\"tasks\": {..}, \"average\": ..} as the last line of standard output\n" +
        EncoderArguments.Help;

    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(EncoderArguments.Flags) { "json", "quick" };

    public static int Run(ArgumentReader args, TextWriter output, TextWriter log)
    {
        var tasks = ReadTasks(args);
        string data = args.Optional("data") ?? SharedData.Find();
        bool json = args.Flag("json");
        var options = ReadOptions(args, log);
        using var source = ReadFeatureSource(args);
        args.EnsureAllUsed();

        // One task at a time so the progress bar (stderr) moves per task; a task takes minutes on 2 cores.
        using var progress = ProgressReporter.For(log, "SentEval tasks", tasks.Count);
        options.Log = progress.Log;
        var runner = new SentEvalRunner(options: options);
        var results = new List<SentEvalTaskResult>();
        foreach (var task in tasks)
        {
            results.AddRange(runner.Run(source, data, new[] { task }).Tasks);
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

    public static IReadOnlyList<string> ReadTasks(ArgumentReader args)
    {
        try { return SentEvalTasks.ParseList(args.Optional("tasks") ?? string.Join(",", SentEvalTasks.All)); }
        catch (ArgumentException e) { throw new UsageException("--tasks: " + e.Message); }
    }

    public static SentEvalOptions ReadOptions(ArgumentReader args, TextWriter log)
    {
        var options = new SentEvalOptions { KFold = args.Int("kfold", 2) ?? 10, Quick = args.Flag("quick"), Log = log.WriteLine };
        if (args.Optional("tolerance") is string tol)
        {
            if (!float.TryParse(tol, NumberStyles.Float, CultureInfo.InvariantCulture, out float t) || !(t > 0))
                throw new UsageException($"--tolerance expects a positive number, got '{tol}'.");
            options.OptimizationTolerance = t;
        }
        if (args.Optional("c-grid") is string grid)
        {
            try { options.CGrid = grid.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(); }
            catch (FormatException) { throw new UsageException($"--c-grid expects comma-separated numbers, got '{grid}'."); }
            if (options.CGrid.Any(c => !(c > 0))) throw new UsageException("--c-grid values must be positive.");
        }
        return options;
    }

    /// <summary>The features named by --features, --model, --model2 and the encoder options.</summary>
    public static ISentEvalFeatureSource ReadFeatureSource(ArgumentReader args)
    {
        string features = (args.Optional("features") ?? "encoder").ToLowerInvariant();
        string? cache = args.Optional("cache");
        string? model2 = args.Optional("model2");
        var (model, encoderOptions) = EncoderArguments.Read(args);
        switch (features)
        {
            case "featurize-text" or "featurizetext" or "text":
                return new TextFeaturizerSource();
            case "token-average" or "token-embedding-average":
                return new TokenEmbeddingAverageSource(model, cache);
            case "encoder":
                var first = Encoder(model, encoderOptions, cache);
                return model2 is null ? first
                    : new ConcatenatedFeatureSource(new EmbeddingFeatureSource[] { first, Encoder(model2, new SentenceEncoderOptions { BatchSize = encoderOptions.BatchSize, Threads = encoderOptions.Threads }, cache) });
            default:
                throw new UsageException($"--features expects encoder, featurize-text or token-average, got '{features}'.");
        }
    }

    /// <summary>Where sbert bench senteval and sbert reproduce keep sentence vectors: senteval/ under the library's cache root.</summary>
    public static string DefaultCache => Path.Combine(PretrainedModels.CacheRoot, "senteval");

    public static EncoderFeatureSource Encoder(string model, SentenceEncoderOptions o, string? cache) => new(new SentenceEmbeddingOptions
    {
        Model = model, Encoder = o,
    }, cacheDirectory: cache);
}
