using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert train</c>: fine-tune an encoder with one objective and write it in the folder format.</summary>
public static class TrainCommand
{
    private static readonly TrainingOptions Defaults = new();

    private static readonly Option<TrainingObjective> Objective = CliOptions.Parsed("--objective", "training objective",
        t => TrainingObjectives.Parse(t), [.. TrainingObjectives.Names]);
    private static readonly Option<string> Model = new("--model") { Description = "encoder to start from: default | arctic-xs | PATH", DefaultValueFactory = _ => "default" };
    private static readonly Option<string> Train = new("--train") { Description = "training data", Required = true };
    private static readonly Option<string?> Dev = new("--dev") { Description = "dev data, evaluated every --evaluation-steps and at the end; the best weights are kept" };
    private static readonly Option<string?> Format = new("--format") { Description = TrainingData.Formats + " (default: guessed from the file name)" };
    private static readonly Option<int> Epochs = CliOptions.Int("--epochs", "passes over the training data", Defaults.Epochs);
    private static readonly Option<int> BatchSize = CliOptions.Int("--batch-size", "examples per step (the paper's 16)", Defaults.BatchSize);
    private static readonly Option<double?> LearningRate = CliOptions.OptionalPositive("--lr",
        $"peak learning rate, 10% linear warm-up (default {Defaults.LearningRate:G}, the paper's)");
    private static readonly Option<double?> HeadLearningRate = CliOptions.OptionalPositive("--head-lr",
        "peak learning rate of parameters that start untrained (the softmax objective's classifier; default: --lr)");
    private static readonly Option<int> Seed = CliOptions.Int("--seed", "seeds dropout, new parameters and shuffling", Defaults.Seed, min: 0);
    private static readonly Option<string> Precision = EncoderOptionSet.PrecisionOption("--precision",
        "bf16: libtorch CPU autocast of the forward pass, float32 weights");
    private static readonly Option<int> EvaluationSteps = CliOptions.Int("--evaluation-steps", "evaluate the dev data every N steps (0: after the last step only)", 0, min: 0);
    private static readonly Option<int?> MaxExamples = CliOptions.OptionalInt("--max-examples", "use only the first N training examples");
    private static readonly Option<string> Output = new("--output") { Description = "folder to write the model to (sentence-transformers format)", Required = true };
    private static readonly Option<bool> Json = CliOptions.Json("the dev metric, steps and pairs/s");
    private static readonly Option<int> CheckpointSteps = CliOptions.Int("--checkpoint-steps",
        "write a resumable checkpoint (weights, optimiser state, best weights so far) every N steps; 0: none", 0, min: 0);
    private static readonly Option<string?> CheckpointDir = new("--checkpoint-dir") { Description = "where checkpoints go (default: OUTPUT.checkpoints beside --output)" };
    private static readonly Option<int> CheckpointsKept = CliOptions.Int("--checkpoints-kept",
        "keep only the newest N checkpoints (each is about four times the model's size); 0: every one", 1, min: 0);
    private static readonly Option<bool> Resume = new("--resume")
    {
        Description = "continue from the newest checkpoint in the checkpoint folder, written by an earlier run of this command with the same data and options; without one, start from the beginning",
    };
    private static readonly Option<bool> TrainNormalized = new("--train-normalized")
    {
        Description = "softmax, triplet: train on the encoder's normalised output instead of the vector before its Normalize module",
    };

    public static Command Create()
    {
        Objective.Required = true;
        return new Command("train", "fine-tune an encoder (Siamese / triplet network, shared weights) and save it as a " +
            "sentence-transformers folder, loadable by 'sbert embed --model DIR' and the ML.NET transform")
        {
            Objective, Model, Train, Dev, Format, Epochs, BatchSize, LearningRate, HeadLearningRate, Seed, Precision, EvaluationSteps, MaxExamples, TrainNormalized,
            CheckpointSteps, CheckpointDir, CheckpointsKept, Resume, Output, Json,
        }.SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        var objective = args.GetValue(Objective);
        string model = args.GetValue(Model)!;
        string train = args.GetValue(Train)!;
        string? dev = args.GetValue(Dev);
        string format = args.GetValue(Format) ?? TrainingData.GuessFormat(train);
        string outputDir = args.GetValue(Output)!;
        int? maxExamples = args.GetValue(MaxExamples);
        if (args.GetValue(CheckpointDir) is { } named && string.IsNullOrWhiteSpace(named)) throw new UsageException("--checkpoint-dir: expected a folder path, got an empty one.");
        string checkpoints = args.GetValue(CheckpointDir) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDir)) + ".checkpoints";
        var options = new SiameseTrainingOptions
        {
            Epochs = args.GetValue(Epochs),
            BatchSize = args.GetValue(BatchSize),
            Seed = args.GetValue(Seed),
            EvaluationSteps = args.GetValue(EvaluationSteps),
            Precision = EncoderOptionSet.ParsePrecision(args.GetValue(Precision)!),
            LearningRate = args.GetValue(LearningRate) ?? Defaults.LearningRate,
            HeadLearningRate = args.GetValue(HeadLearningRate),
            CheckpointDirectory = checkpoints,
            CheckpointSteps = args.GetValue(CheckpointSteps),
            CheckpointsKept = args.GetValue(CheckpointsKept),
            CancellationToken = cancellationToken,
        };
        bool json = args.GetValue(Json);
        // Checked before anything loads: a stale run's checkpoints would be pruned in place of this run's, or resumed by mistake.
        bool resume = args.GetValue(Resume);
        if (options.CheckpointSteps == 0 && !resume && (args.GetResult(CheckpointDir) is { Implicit: false } || args.GetResult(CheckpointsKept) is { Implicit: false }))
            throw new UsageException("--checkpoint-dir and --checkpoints-kept need --checkpoint-steps N (or --resume).");
        if (File.Exists(checkpoints)) throw new UsageException($"the checkpoint folder {checkpoints} (--checkpoint-dir) is a file; expected a folder.");
        string? resumeFrom = TrainingCheckpoints.Latest(checkpoints);
        if (!resume && resumeFrom is not null && options.CheckpointSteps > 0)
            throw new UsageException($"the checkpoint folder {checkpoints} (--checkpoint-dir; default OUTPUT.checkpoints) holds {Path.GetFileName(resumeFrom)} of an earlier run: add --resume to continue it, or delete the folder to start again.");
        if (!resume) resumeFrom = null;

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

        using var encoder = Models.LoadEncoder(model);
        var loss = TrainingObjectives.Create(objective, encoder.Dimension, Math.Max(numLabels, 2), examples[0].Texts.Count,
            beforeNormalize: !args.GetValue(TrainNormalized));
        // The objective says what its examples must carry; errors name the file.
        TrainingExamples.Check(loss, examples, train);
        if (resume && resumeFrom is null) progress.Log($"--resume: no checkpoint in {checkpoints}; starting from the beginning");
        var result = new SiameseTrainer(encoder, loss, options).Train(examples, resumeFrom);
        encoder.Save(outputDir);
        (loss as IDisposable)?.Dispose();
        // The model is saved: its checkpoints would only be resumed by mistake (and each is about four times its size).
        // A run that wrote and resumed none leaves the folder alone.
        if (options.CheckpointSteps > 0 || resumeFrom is not null) TrainingCheckpoints.Remove(checkpoints);
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
