using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// What <see cref="TrainingLoop"/> needs from a model under training: its modules and parameters, a loss on a batch,
/// an optional dev evaluation, and its part of a checkpoint. The bi-encoder (<see cref="SiameseTrainer"/>) and the
/// cross-encoder trainer implement it; the optimiser, schedule, seeds, evaluation and checkpoints are the loop's.
/// </summary>
internal interface ITrainingTarget
{
    /// <summary>Modules switched between train and eval mode and whose weights the best-model snapshot keeps.</summary>
    IReadOnlyList<nn.Module> Modules { get; }

    /// <summary>Everything AdamW updates.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// The part of <see cref="Parameters"/> that starts untrained (a new classifier head), which
    /// <see cref="TrainingOptions.HeadLearningRate"/> applies to; empty when there is none.
    /// </summary>
    IReadOnlyList<Parameter> HeadParameters { get; }

    /// <summary>Names the objective in error messages.</summary>
    string LossName { get; }

    /// <summary>The primary metric's name when there is an evaluator, else null.</summary>
    string? PrimaryMetric { get; }

    /// <summary>A scalar loss for one batch, with the autograd graph attached (the caller owns the dispose scope).</summary>
    Tensor ComputeLoss(IReadOnlyList<TrainingExample> batch);

    /// <summary>Dev metrics (called in eval mode); only when <see cref="PrimaryMetric"/> is not null.</summary>
    IReadOnlyDictionary<string, double> Evaluate(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the model's weights (in its own format) into a checkpoint folder: the checkpoint's AtomicDirectory
    /// temporary, which flushes and swaps in the whole folder, so files go in plainly, not each through its own.
    /// </summary>
    void SaveCheckpoint(string folder);

    /// <summary>Reads back what <see cref="SaveCheckpoint"/> wrote.</summary>
    void LoadCheckpoint(string folder);
}
