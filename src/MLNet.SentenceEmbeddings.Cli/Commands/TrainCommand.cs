using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert train</c>: fine-tune an encoder with one objective and write it in the folder format.</summary>
public static class TrainCommand
{
    public const string Help =
        "sbert train --objective O --train FILE --output DIR [options]\n" +
        "  Fine-tunes an encoder (Siamese / triplet network, shared weights) and writes it as a sentence-transformers folder,\n" +
        "  loadable by 'sbert embed --model DIR' and the ML.NET transform.\n" +
        "  --objective O      softmax | regression | triplet | mnrl | cosent\n" +
        "  --model M          encoder to start from: default | arctic-xs | PATH (default: default)\n" +
        "  --train FILE       training data\n" +
        "  --dev FILE         dev data, evaluated every --evaluation-steps and at the end; the best weights are kept\n" +
        "  --format F         " + TrainingData.Formats + " (default: guessed from the file name)\n" +
        "  --epochs N         (default 1)\n" +
        "  --batch-size N     (default 16, the paper's)\n" +
        "  --lr X             peak learning rate (default 2e-5, the paper's; 10% linear warm-up)\n" +
        "  --seed N           (default 42)\n" +
        "  --precision P      fp32 | bf16 (bf16: libtorch CPU autocast of the forward pass, float32 weights; default fp32)\n" +
        "  --evaluation-steps N  (default 0: evaluate after the last step only)\n" +
        "  --max-examples N   use only the first N training examples\n" +
        "  --output DIR       where to write the model\n" +
        "  --json             print one JSON object as the last line of standard output (dev metric, steps, pairs/s)\n" +
        "  Progress goes to standard error: a bar on a terminal, a line per 10% of the steps when redirected.\n";

    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "json" };

    public static int Run(ArgumentReader args, TextWriter output, TextWriter log)
    {
        TrainingObjective objective;
        try { objective = TrainingObjectives.Parse(args.Required("objective")); }
        catch (ArgumentException e) { throw new UsageException("--objective: " + e.Message); }
        string model = args.Optional("model") ?? "default";
        string train = args.Required("train");
        string? dev = args.Optional("dev");
        string format = args.Optional("format") ?? TrainingData.GuessFormat(train);
        string outputDir = args.Required("output");
        int? maxExamples = args.Int("max-examples", 1);
        var options = new SiameseTrainingOptions
        {
            Epochs = args.Int("epochs", 1) ?? 1,
            BatchSize = args.Int("batch-size", 1) ?? SiameseTrainingOptions.PaperBatchSize,
            Seed = args.Int("seed", 0) ?? 42,
            EvaluationSteps = args.Int("evaluation-steps", 0) ?? 0,
            Precision = EncoderArguments.ParsePrecision(args.Optional("precision") ?? "fp32"),
        };
        if (args.Optional("lr") is string lr)
            options.LearningRate = double.TryParse(lr, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && v > 0
                ? v : throw new UsageException($"--lr expects a positive number, got '{lr}'.");
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        using var progress = ProgressReporter.For(log, "training", 0);
        options.Log = progress.Log;
        options.Progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            progress.Total = p.TotalSteps;
            progress.Report(p.Step, $"epoch {p.Epoch} loss {p.Loss:F4} lr {p.LearningRate:E1} {p.ExamplesPerSecond:F1} ex/s");
        });
        var (examples, numLabels) = TrainingData.Examples(train, format, objective);
        if (maxExamples is int max) examples = examples.Take(max).ToList();
        if (dev is not null) options.Evaluator = TrainingData.Evaluator(dev, TrainingData.GuessFormat(dev));
        progress.Log($"training {objective.ToString().ToLowerInvariant()} on {examples.Count} examples from {train} ({format})" +
                      (options.Evaluator is null ? "" : $", evaluating on {dev}"));

        using var encoder = SentenceEncoder.Load(model);
        var loss = TrainingObjectives.Create(objective, encoder.Dimension, Math.Max(numLabels, 2), examples[0].Texts.Count);
        var result = new SiameseTrainer(encoder, loss, options).Train(examples);
        encoder.Save(outputDir);
        (loss as IDisposable)?.Dispose();
        progress.Complete($"wrote {outputDir}");
        if (json)
        {
            var o = new JsonObject
            {
                ["objective"] = objective.ToString().ToLowerInvariant(),
                ["examples"] = examples.Count,
                ["steps"] = result.Steps.Count,
                ["pairs_per_second"] = Math.Round(result.ExamplesPerSecond, 2),
                ["final_loss"] = result.Steps.Count > 0 ? Math.Round(result.Steps[^1].Loss, 6) : null,
                ["output"] = outputDir,
            };
            if (options.Evaluator is { } evaluator && result.Evaluations.Count > 0)
            {
                var best = result.Evaluations.MaxBy(e => e.PrimaryMetric)!;
                o["dev"] = new JsonObject { ["metric"] = evaluator.PrimaryMetric, ["best"] = Math.Round(best.PrimaryMetric, 6), ["best_step"] = best.Step, ["final"] = Math.Round(result.Evaluations[^1].PrimaryMetric, 6) };
            }
            output.WriteLine(o.ToJsonString());
        }
        return 0;
    }
}
