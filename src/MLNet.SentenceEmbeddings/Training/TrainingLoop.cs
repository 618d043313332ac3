using System.Diagnostics;
using MLNet.SentenceEmbeddings.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// The training loop shared by the bi-encoder and the cross-encoder (SBERT Section 3): AdamW without decay on 1-D
/// parameters, linear warm-up then linear decay, gradient clipping, seeded shuffling and dropout, NaN/inf stop,
/// dev evaluation with the best weights kept, resumable checkpoints, cancellation and progress.
/// </summary>
internal static class TrainingLoop
{
    public static TrainingResult Run(ITrainingTarget target, IReadOnlyList<TrainingExample> examples, TrainingOptions options, string? resumeFrom)
    {
        options.Validate();
        int stepsPerEpoch = (examples.Count + options.BatchSize - 1) / options.BatchSize;
        int totalSteps = stepsPerEpoch * options.Epochs;
        int warmup = (int)Math.Ceiling(totalSteps * options.WarmupFraction);

        var (groups, peaks) = ParameterGroups(target, options);
        using var optimizer = torch.optim.AdamW(groups, options.LearningRate);
        // A resumed run continues the interrupted one's history, evaluations and best snapshot, so that it ends with
        // the same result (weights, history, chosen step) as a run that was never interrupted.
        var resumed = resumeFrom is null ? null : TrainingCheckpoint.Read(resumeFrom, options, totalSteps, target, optimizer);
        int step = resumed?.Step ?? 0;
        if (resumeFrom is not null) options.Log?.Invoke($"resumed from {resumeFrom} after step {step}");

        var history = resumed?.History ?? new List<TrainingProgress>(totalSteps);
        var evaluations = resumed?.Evaluations ?? new List<TrainingEvaluation>();
        BestSnapshot? best = resumed?.Best;
        var clock = Stopwatch.StartNew();
        long seen = 0;
        SetTraining(target, true);
        try
        {
            for (int epoch = step / stepsPerEpoch; epoch < options.Epochs; epoch++)
            {
                // Seeded per epoch (not one generator for the run) so that a resumed run shuffles identically.
                var order = Enumerable.Range(0, examples.Count).ToArray();
                if (options.Shuffle) new Random(StableSeed(options.Seed, epoch)).Shuffle(order);
                var batches = order.Chunk(options.BatchSize).ToList();
                for (int b = step - epoch * stepsPerEpoch; b < batches.Count; b++)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    double lr = LearningRateSchedule.WarmupLinear(step, totalSteps, warmup, options.LearningRate);
                    double factor = LearningRateSchedule.WarmupLinear(step, totalSteps, warmup, 1.0);
                    int g = 0;
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = peaks[g++] * factor;
                    // Dropout draws from a generator seeded by (seed, step): reproducible, and resumable at any step.
                    torch.manual_seed(StableSeed(options.Seed, step));
                    double value = Step(target, optimizer, options, batches[b].Select(i => examples[i]).ToList(), step);
                    seen += batches[b].Length;
                    step++;
                    var progress = new TrainingProgress(step, totalSteps, epoch + 1, value, lr, seen / clock.Elapsed.TotalSeconds);
                    history.Add(progress);
                    options.Progress?.Report(progress);
                    if (step % 50 == 0 || step == totalSteps)
                        options.Log?.Invoke($"step {step}/{totalSteps} epoch {epoch + 1} loss {value:F4} lr {lr:E2} {progress.ExamplesPerSecond:F1} examples/s");
                    if (target.PrimaryMetric is not null && (step == totalSteps || (options.EvaluationSteps > 0 && step % options.EvaluationSteps == 0)))
                    {
                        var evaluation = Evaluate(target, options, step);
                        evaluations.Add(evaluation);
                        if (best is null || evaluation.PrimaryMetric > best.Metric)
                            best = new BestSnapshot(step, evaluation.PrimaryMetric, target.Modules.Select(StateDict.Export).ToList());
                    }
                    // The last step too: a run killed between its end and the save of what it trained (a stage of
                    // several) then resumes with nothing left to train.
                    if (options.CheckpointSteps > 0 && (step % options.CheckpointSteps == 0 || step == totalSteps))
                    {
                        var state = new TrainingState(step, history, evaluations, best);
                        string written = TrainingCheckpoint.Write(options.CheckpointDirectory!, state, options, totalSteps, target, optimizer);
                        options.Log?.Invoke($"checkpoint {written}");
                        // The new checkpoint is written; failing to remove an old one must not stop the run.
                        try { if (options.CheckpointsKept > 0) TrainingCheckpoints.Prune(options.CheckpointDirectory!, options.CheckpointsKept, step); }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { options.Log?.Invoke($"could not remove an older checkpoint: {e.Message}"); }
                    }
                }
            }
        }
        finally
        {
            SetTraining(target, false);
        }
        if (best is { } kept && options.KeepBestModel && kept.Step != step)
        {
            for (int m = 0; m < target.Modules.Count; m++)
                StateDict.Load(target.Modules[m], kept.Weights[m].ToDictionary(a => a.Name), $"best weights (step {kept.Step})");
            options.Log?.Invoke($"kept the weights of step {kept.Step} ({target.PrimaryMetric} {kept.Metric:F4})");
        }
        return new TrainingResult(history, evaluations, best?.Step);
    }

    /// <summary>
    /// AdamW groups: matrices decayed, 1-D parameters (biases, LayerNorm) not; with <see cref="TrainingOptions.HeadLearningRate"/> set,
    /// the target's head parameters form their own groups at that peak rate. Returns each group's peak rate.
    /// </summary>
    internal static (List<AdamW.ParamGroup> Groups, double[] Peaks) ParameterGroups(ITrainingTarget target, TrainingOptions options)
    {
        double? headRate = options.HeadLearningRate;
        // By reference: a tensor's == is element-wise.
        var head = new HashSet<Parameter>(headRate is null ? [] : target.HeadParameters, ReferenceEqualityComparer.Instance);
        var groups = new List<AdamW.ParamGroup>();
        var peaks = new List<double>();
        void Add(IEnumerable<Parameter> ps, double decay, double peak)
        {
            var list = ps.ToList();
            if (list.Count == 0) return;
            groups.Add(new AdamW.ParamGroup(list, new AdamW.Options { weight_decay = decay, LearningRate = peak }));
            peaks.Add(peak);
        }
        var body = target.Parameters.Where(p => !head.Contains(p)).ToList();
        Add(body.Where(p => p.dim() > 1), options.WeightDecay, options.LearningRate);
        Add(body.Where(p => p.dim() <= 1), 0.0, options.LearningRate);
        if (headRate is double h)
        {
            var own = target.Parameters.Where(head.Contains).ToList();
            Add(own.Where(p => p.dim() > 1), options.WeightDecay, h);
            Add(own.Where(p => p.dim() <= 1), 0.0, h);
        }
        return (groups, peaks.ToArray());
    }

    private static TrainingEvaluation Evaluate(ITrainingTarget target, TrainingOptions options, int step)
    {
        SetTraining(target, false); // no dropout while scoring
        try
        {
            var metrics = target.Evaluate(options.CancellationToken);
            double primary = metrics[target.PrimaryMetric!];
            options.Log?.Invoke($"step {step}: {target.PrimaryMetric} {primary:F4}");
            return new TrainingEvaluation(step, primary, metrics);
        }
        finally
        {
            SetTraining(target, true);
        }
    }

    /// <summary>
    /// A seed derived from (seed, counter) that is the same in every process. HashCode.Combine is randomised per
    /// process, which made "same seed, same weights" hold only within one run.
    /// </summary>
    internal static int StableSeed(int seed, int counter)
    {
        ulong x = unchecked((ulong)(uint)seed << 32 | (uint)counter);
        // splitmix64 finaliser: neighbouring counters give unrelated seeds.
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return (int)(uint)(x ^ (x >> 31)) & int.MaxValue;
    }

    private static void SetTraining(ITrainingTarget target, bool training)
    {
        foreach (var m in target.Modules) m.train(training);
    }

    private static double Step(ITrainingTarget target, OptimizerHelper optimizer, TrainingOptions options, IReadOnlyList<TrainingExample> batch, int step)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        Tensor loss;
        // bf16 autocast covers the forward pass and the objective only; backward runs outside, as PyTorch advises.
        using (options.Precision == Precision.BFloat16 ? Native.Autocast.BFloat16() : null)
            loss = target.ComputeLoss(batch);
        double value = loss.ToDouble(); // float32, or bfloat16 where autocast ran the objective's last op
        if (!double.IsFinite(value))
            throw new InvalidOperationException($"The {target.LossName} became {value} at step {step + 1}; lower the learning rate or check the data.");
        loss.backward();
        torch.nn.utils.clip_grad_norm_(target.Parameters, options.MaxGradNorm);
        optimizer.step();
        return value;
    }
}
