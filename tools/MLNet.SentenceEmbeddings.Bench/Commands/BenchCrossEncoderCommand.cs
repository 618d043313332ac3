using System.Text;
using System.Text.Json.Nodes;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench cross-encoder</c>: the accuracy side of the efficiency trade-off (SBERT Table 2). Fine-tunes a
/// cross-encoder and, from the same start and with the same data and schedule, a bi-encoder (regression objective)
/// on STSb train, and reports both on STSb test.
/// </summary>
public static class BenchCrossEncoderCommand
{
    private static readonly Option<int> Epochs = CliOptions.Int("--epochs", "training epochs of both models", 1);
    private static readonly Option<int?> MaxExamples = CliOptions.OptionalInt("--max-examples", "cap the training set (quick runs)");
    private static readonly Option<double?> HeadLearningRate = CliOptions.OptionalPositive("--head-learning-rate",
        "peak learning rate of the cross-encoder's head (default: its learning rate)");
    private static readonly Option<int> Seed = CliOptions.Int("--seed", "seeds both runs (dropout, shuffling, the new head)", 42, min: 0);
    private static readonly Option<string?> Save = new("--save") { Description = "also save the trained cross-encoder there" };
    private static readonly Option<PoolingMode> Pooling = CliOptions.Parsed("--pooling",
        "what the cross-encoder's new head reads: cls ([CLS] through BERT's pooler, Hugging Face's head) or a pooling of the pair's tokens",
        t => PoolingModes.Parse(t), ["cls", "mean", "max"], PoolingMode.Cls);
    private static readonly BenchReportOptionSet Report = new("efficiency.md");

    public static Command Create() => Report.AddTo(new Command("cross-encoder", "trains a cross-encoder on STSb and compares it with the bi-encoder; writes docs/efficiency.md")
    {
        Epochs, MaxExamples, HeadLearningRate, Seed, Save, Pooling,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private const string Model = "default";

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        int epochs = args.GetValue(Epochs);
        int? max = args.GetValue(MaxExamples);
        string? save = args.GetValue(Save);
        int seed = args.GetValue(Seed);
        var pooling = args.GetValue(Pooling);
        var ceOptions = new CrossEncoderTrainingOptions { Epochs = epochs, Seed = seed, Log = output.WriteLine };
        if (args.GetValue(HeadLearningRate) is double headRate) ceOptions.HeadLearningRate = headRate;
        string data = Report.StsbRoot(args);
        string? report = Report.ReportPath(args);
        bool json = args.GetValue(Report.Json);

        var train = StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-train.csv")).Take(max ?? int.MaxValue).ToList();
        var dev = StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-dev.csv"));
        var test = StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv"));
        // Both models see the same examples: labels scaled to [0, 1] (score / 5), as CosineSimilarityLoss and BCE expect.
        var examples = train.Select(p => TrainingExample.Pair(p.Sentence1, p.Sentence2, p.Score / StsBenchmarkReader.MaxScore)).ToList();

        using var bi = SentenceEncoder.Load(Model);
        double biBefore = 100 * new EmbeddingSimilarityEvaluator(test).Evaluate(bi)["spearman_cosine"];
        var biRun = new SiameseTrainer(bi, new CosineSimilarityLoss(), new SiameseTrainingOptions
            { Epochs = epochs, Seed = seed, Evaluator = new EmbeddingSimilarityEvaluator(dev), Log = output.WriteLine }).Train(examples);
        double biAfter = 100 * new EmbeddingSimilarityEvaluator(test).Evaluate(bi)["spearman_cosine"];

        using var ce = CrossEncoder.Load(Model, numLabels: 1, seed: seed, pooling: pooling);
        ceOptions.Evaluator = new CrossEncoderCorrelationEvaluator(dev);
        var ceRun = new CrossEncoderTrainer(ce, ceOptions).Train(examples);
        double ceAfter = 100 * new CrossEncoderCorrelationEvaluator(test).Evaluate(ce)["spearman"];
        if (save is not null) ce.Save(save);

        var md = new StringBuilder();
        md.AppendLine("## Cross-encoder vs bi-encoder accuracy on STSb (SBERT Table 2)");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
        md.AppendLine($"Command: `dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- cross-encoder --epochs {epochs}" + (max is int m ? $" --max-examples {m}" : "")
            + (args.GetValue(HeadLearningRate) is double hr ? $" --head-learning-rate {hr.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "") + (seed == 42 ? "" : $" --seed {seed}") + (pooling == PoolingMode.Cls ? "" : $" --pooling {PoolingModes.ToName(pooling)}") + "`");
        md.AppendLine();
        md.AppendLine($"Both start from all-MiniLM-L6-v2 and train {epochs} epoch(s) on {examples.Count:N0} STSb train pairs (label = score / 5), batch 16, AdamW (lr 2e-5 for the bi-encoder, {ceOptions.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)} for the cross-encoder), " +
                      "10% warm-up, best dev checkpoint kept, seed " + seed + ". The cross-encoder reads \"[CLS] a [SEP] b [SEP]\" with a new one-label head " +
                      (pooling == PoolingMode.Cls ? "on BERT's pooler " : $"on the {PoolingModes.ToName(pooling)} pooling of the pair's tokens ") +
                      $"(binary cross-entropy; the head's peak learning rate {(ceOptions.HeadLearningRate ?? ceOptions.LearningRate).ToString(System.Globalization.CultureInfo.InvariantCulture)}); the bi-encoder uses the regression objective (cosine, MSE).");
        md.AppendLine();
        md.AppendLine("| model | STSb test Spearman x100 | training examples/s |");
        md.AppendLine("|---|---:|---:|");
        md.AppendLine($"| bi-encoder, before training | {biBefore:F2} | |");
        md.AppendLine($"| bi-encoder, regression objective | {biAfter:F2} | {biRun.ExamplesPerSecond:F1} |");
        md.AppendLine($"| cross-encoder | **{ceAfter:F2}** | {ceRun.ExamplesPerSecond:F1} |");
        md.AppendLine("| paper: BERT-STSb-base cross-encoder / SBERT-STSb-base (Table 2) | 84.30 / 84.67 | |");
        md.AppendLine();
        md.AppendLine("The cross-encoder is the accurate, slow side of the trade-off: see the first section for its cost on all pairs.");
        output.WriteLine();
        output.Write(md);
        if (report is not null)
        {
            MarkdownReport.WriteSection(report, "efficiency-cross-encoder-accuracy", "Efficiency", md.ToString());
            output.WriteLine($"\nwrote {report}");
        }
        if (json)
            output.WriteLine(new JsonObject
            {
                ["epochs"] = epochs, ["examples"] = examples.Count, ["bi_encoder_before"] = Math.Round(biBefore, 2),
                ["bi_encoder_after"] = Math.Round(biAfter, 2), ["cross_encoder"] = Math.Round(ceAfter, 2),
            }.ToJsonString());
        return 0;
    }
}
