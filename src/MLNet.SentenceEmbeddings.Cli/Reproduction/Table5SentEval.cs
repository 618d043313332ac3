using System.Text;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.MLNet.SentEval;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// Table 5 of SBERT: SentEval transfer accuracy (logistic regression on frozen sentence vectors, SentEval's protocol),
/// run by <see cref="SentEvalRunner"/> (the code of <c>sbert eval senteval</c>). The raw-BERT rows of the paper map to
/// MEAN and CLS pooling of the encoders here, GloVe to the average of the encoder's input word-piece embeddings.
/// </summary>
public static class Table5SentEval
{
    // SBERT paper, Table 5: accuracy on MR, CR, SUBJ, MPQA, SST, TREC, MRPC and their average.
    private static readonly (string Model, double[] Figures, double Average)[] Paper =
    {
        ("Avg. GloVe embeddings", new[] { 77.25, 78.30, 91.17, 87.85, 80.18, 83.0, 72.87 }, 81.52),
        ("Avg. BERT embeddings", new[] { 78.66, 86.25, 94.37, 88.66, 84.40, 92.8, 69.45 }, 84.94),
        ("BERT CLS-vector", new[] { 78.68, 84.85, 94.21, 88.23, 84.13, 91.4, 71.13 }, 84.66),
        ("SBERT-NLI-base", new[] { 83.64, 89.43, 94.39, 89.86, 88.96, 89.6, 76.00 }, 87.41),
        ("SBERT-NLI-large", new[] { 84.88, 90.07, 94.52, 90.33, 90.66, 87.4, 75.94 }, 87.69),
    };

    /// <summary>Rows per split in a quick run.</summary>
    public const int QuickRows = 400;

    public static StringBuilder Run(ReproductionContext ctx)
    {
        var sources = new List<(string Row, Func<ISentEvalFeatureSource> Create)>
        {
            ($"{PretrainedModels.AllMiniLmL6V2.Name}, MEAN pooling (its own)", () => Encoder(ctx, PretrainedModels.AllMiniLmL6V2.Name, PoolingMode.Mean)),
            ($"{PretrainedModels.AllMiniLmL6V2.Name}, CLS pooling", () => Encoder(ctx, PretrainedModels.AllMiniLmL6V2.Name, PoolingMode.Cls)),
            ($"{PretrainedModels.ArcticEmbedXs.Name}, CLS pooling (its own)", () => Encoder(ctx, PretrainedModels.ArcticEmbedXs.Name, PoolingMode.Cls)),
            ($"{PretrainedModels.AllMiniLmL6V2.Name} input word-piece embeddings, averaged (GloVe-like)", () => new TokenEmbeddingAverageSource("default", ctx.SentEvalCache)),
        };
        if (ctx.Quick) sources = sources.Take(1).ToList();
        if (ctx.StsbTunedModel is string tuned)
            sources.Add(($"{PretrainedModels.AllMiniLmL6V2.Name} + regression objective on STSb train (Table 2's encoder)",
                () => Encoder(ctx, tuned, null)));
        var tasks = SentEvalTasks.All.Select(t => Subsample(SentEvalTasks.Read(t, ctx.Data.Root(EvalSentEvalCommand.DataSetName(t))), ctx.Quick ? QuickRows : null)).ToList();
        var options = new SentEvalOptions { Quick = ctx.Quick, Threads = ctx.Threads, Log = ctx.Log.WriteLine };
        var runner = new SentEvalRunner(options: options);
        var rows = new List<(string Row, SentEvalReport Report)>();
        foreach (var (row, create) in sources)
        {
            using var features = create();
            rows.Add((row, new SentEvalReport(features.Name, tasks.Select(t => runner.Run(features, t)).ToList())));
            ctx.Log.WriteLine($"table 5: {row}: average {rows[^1].Report.Average:F2}");
        }

        // The tuned row exists only when Table 2 ran first in the same invocation, so its command names both.
        var md = ctx.Header("Table 5: SentEval transfer tasks", ctx.StsbTunedModel is null ? "5" : "2,5");
        md.AppendLine("Test accuracy (%) of a logistic regression on frozen sentence vectors, SentEval's protocol as `sbert eval senteval` runs it " +
                      $"(ML.NET L-BFGS, L2 only, C chosen on inner folds; MR, CR, SUBJ, MPQA: {(ctx.Quick ? "3" : "10")}-fold CV; SST-2: dev chooses; " +
                      "TREC, MRPC: CV on train chooses, test reports; MRPC features [abs(u-v); u*v]). SST is SST-2 (SentEval's phrase-level train set).");
        md.AppendLine();
        md.AppendLine("| model | " + string.Join(" | ", SentEvalTasks.All) + " | Avg. |");
        md.AppendLine("|---|" + string.Concat(SentEvalTasks.All.Select(_ => "---:|")) + "---:|");
        foreach (var (model, figures, average) in Paper)
            md.AppendLine($"| paper: {model} | " + string.Join(" | ", figures.Select(f => ReproductionContext.F(f))) + $" | {ReproductionContext.F(average)} |");
        foreach (var (row, report) in rows)
            md.AppendLine($"| ours: {row} | " + string.Join(" | ", SentEvalTasks.All.Select(t => ReproductionContext.F(report[t]?.Accuracy))) + $" | {ReproductionContext.F(report.Average)} |");
        md.AppendLine();
        md.AppendLine("More configurations (MAX, MEAN+MAX, both encoders together, FeaturizeText, tuned encoders) are in docs/senteval.md (`sbert-bench senteval`).");
        return md;
    }

    /// <summary>An encoder's vectors through the ML.NET transform; a null pooling keeps the model's own.</summary>
    private static EncoderFeatureSource Encoder(ReproductionContext ctx, string model, PoolingMode? pooling) =>
        new(new SentenceEmbeddingOptions { Model = model, Encoder = new SentenceEncoderOptions { Pooling = pooling, Threads = ctx.Threads } }, cacheDirectory: ctx.SentEvalCache);

    /// <summary>Every k-th row of each split (keeps the class mix of files stored class by class).</summary>
    internal static SentEvalTaskData Subsample(SentEvalTaskData t, int? max) => max is null ? t
        : new SentEvalTaskData(t.Name, t.Protocol, t.ClassNames, ReproductionContext.Subsample(t.Train, max),
            t.Dev.Count == 0 ? null : ReproductionContext.Subsample(t.Dev, max), t.Test.Count == 0 ? null : ReproductionContext.Subsample(t.Test, max));
}
