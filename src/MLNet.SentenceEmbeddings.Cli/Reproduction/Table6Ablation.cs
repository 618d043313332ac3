using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// Table 6 of SBERT: the classification objective on NLI with each pooling (MEAN, MAX, CLS) and each concatenation
/// of u, v, |u−v|, u*v in front of the softmax, evaluated by STSb dev Spearman x100 of cosine similarity (Section 6).
/// The NLI here is SNLI dev + SICK-E train (14,342 pairs), subsampled to fit the time budget.
/// </summary>
public static class Table6Ablation
{
    /// <summary>NLI pairs per configuration in a full run: 9 runs of ~90 s each on 2 cores (36 pairs/s, docs/training.md).</summary>
    public const int FullPairs = 3200;
    /// <summary>--quick: four steps per configuration, a smoke test of the nine runs.</summary>
    public const int QuickPairs = 64;

    // (name, u and v, |u−v|, u*v, paper's STSb dev figure after NLI training, Table 6).
    private static readonly (string Name, bool Rep, bool Diff, bool Mul, double Paper)[] Concatenations =
    {
        ("(u, v)", true, false, false, 66.04),
        ("(|u-v|)", false, true, false, 69.78),
        ("(u*v)", false, false, true, 70.54),
        ("(|u-v|, u*v)", false, true, true, 78.37),
        ("(u, v, u*v)", true, false, true, 77.44),
        ("(u, v, |u-v|)", true, true, false, 80.78),
        ("(u, v, |u-v|, u*v)", true, true, true, 80.44),
    };

    // Table 6, pooling with (u, v, |u−v|): NLI column (classification objective) and STSb column (regression objective).
    private static readonly (PoolingMode Mode, double PaperNli, double PaperStsb)[] Poolings =
    {
        (PoolingMode.Mean, 80.78, 87.44), (PoolingMode.Max, 79.07, 69.92), (PoolingMode.Cls, 79.80, 86.62),
    };

    private static readonly string[] NliLabels = { "entailment", "neutral", "contradiction" };

    public static StringBuilder Run(ReproductionContext ctx)
    {
        var nli = TrainingData.Examples(ctx.Data.File("snli", "s1.dev"), "snli", TrainingObjective.Softmax).Examples
            .Concat(TrainingData.Examples(ctx.Data.File("sick", "SICK_train.txt"), "sick", TrainingObjective.Softmax).Examples).ToList();
        var train = ReproductionContext.Subsample(nli, ctx.Quick ? QuickPairs : FullPairs);
        var dev = new EmbeddingSimilarityEvaluator(ReproductionContext.Subsample(StsBenchmarkReader.Read(ctx.Data.File("stsb", "sts-dev.csv")), ctx.Quick ? Table2SupervisedSts.QuickEvaluationPairs : null));

        // Before is shown for the pooling rows only: every concatenation starts from the same MEAN encoder.
        (double Before, double After, double Loss) RunOne(PoolingMode pooling, bool rep, bool diff, bool mul, string label, bool measureBefore)
        {
            using var encoder = SentenceEncoder.Load(Table2SupervisedSts.Model, new SentenceEncoderOptions { Pooling = pooling, Threads = ctx.Threads });
            double before = measureBefore ? 100 * dev.Evaluate(encoder)["spearman_cosine"] : double.NaN;
            using var loss = new SoftmaxLoss(encoder.Dimension, NliLabels.Length, rep, diff, mul);
            // The new head trains at the objectives table's head rate: at the encoder's 2e-5 it barely leaves its random
            // start in 200 steps (loss near ln 3), and the table would measure drift instead of what NLI teaches.
            var options = new SiameseTrainingOptions
            {
                Epochs = 1, HeadLearningRate = ObjectivesCompared.NliHeadLearningRate, Precision = ctx.TrainingPrecision, Log = ctx.Log.WriteLine,
            };
            var steps = new SiameseTrainer(encoder, loss, options).Train(train).Steps;
            // Mean loss over the last fifth of the steps: near ln 3 means the head had not yet learnt NLI.
            double lastLoss = steps.Skip(steps.Count - Math.Max(1, steps.Count / 5)).Average(s => s.Loss);
            double after = 100 * dev.Evaluate(encoder)["spearman_cosine"];
            ctx.Log.WriteLine($"table 6: {label}: STSb dev {(measureBefore ? $"{before:F2} -> " : "")}{after:F2}, loss {lastLoss:F3}");
            return (before, after, lastLoss);
        }

        var pooled = Poolings.Select(p => (p, RunOne(p.Mode, true, true, false, PoolingModes.ToName(p.Mode).ToUpperInvariant(), measureBefore: true))).ToList();
        var concatenated = Concatenations.Select(c => (c, c is { Rep: true, Diff: true, Mul: false }
            ? pooled[0].Item2 // MEAN with (u, v, |u−v|) is the same run as the pooling row
            : RunOne(PoolingMode.Mean, c.Rep, c.Diff, c.Mul, c.Name, measureBefore: false))).ToList();

        var md = ctx.Header("Table 6: pooling and concatenation ablation", "6");
        md.AppendLine($"STSb dev Spearman x100 of cosine similarity after one epoch of the classification objective softmax(W [features]) on " +
                      $"{train.Count:N0} NLI pairs taken evenly spaced from SNLI dev + SICK-E train ({nli.Count:N0} pairs; " +
                      $"subsampled so the nine runs fit the time budget). Encoder: all-MiniLM-L6-v2 with the pooling under test, batch 16, encoder lr 2e-5, " +
                      $"the new softmax head at lr {ObjectivesCompared.NliHeadLearningRate.ToString("0e0", CultureInfo.InvariantCulture)} (too few steps for a head at 2e-5 to learn; see the objectives table), " +
                      $"{(ctx.TrainingPrecision == Precision.BFloat16 ? "forward pass under bf16 autocast, " : "")}seed 42; the head sees the pooled vector before the Normalize module. " +
                      $"\"Before\" is the encoder with that pooling and no NLI training.");
        md.AppendLine();
        md.AppendLine("| pooling, with (u, v, abs(u-v)) | paper: NLI (classification) | paper: STSb (regression) | ours: before | ours: after NLI | ours: NLI loss, last fifth of steps |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (p, r) in pooled)
            md.AppendLine($"| {PoolingModes.ToName(p.Mode).ToUpperInvariant()} | {ReproductionContext.F(p.PaperNli)} | {ReproductionContext.F(p.PaperStsb)} | {ReproductionContext.F(r.Before)} | {ReproductionContext.F(r.After)} | {r.Loss:F3} |");
        md.AppendLine();
        md.AppendLine("| concatenation, MEAN pooling | paper: NLI (classification) | ours: after NLI | ours: NLI loss, last fifth of steps |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var (c, r) in concatenated)
            md.AppendLine($"| {c.Name.Replace("|u-v|", "abs(u-v)")} | {ReproductionContext.F(c.Paper)} | {ReproductionContext.F(r.After)} | {r.Loss:F3} |");
        md.AppendLine();
        md.AppendLine($"A three-way classifier that has learnt nothing has a loss of ln 3 = {Math.Log(NliLabels.Length):F3}; the paper trained for about 60,000 steps (1M pairs), " +
                      $"these runs for {(train.Count + SiameseTrainingOptions.PaperBatchSize - 1) / SiameseTrainingOptions.PaperBatchSize} steps.");
        md.AppendLine();
        md.AppendLine("Our STSb column (pooling trained with the regression objective on STSb) is not run: Table 2 runs that objective for MEAN.");
        return md;
    }
}
