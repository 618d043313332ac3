using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

// Table 2's training stages made resumable: where each stage of a (model, seed) checkpoints, resuming, forgetting,
// and the lock that keeps two processes from pruning each other's checkpoints.
public static partial class Table2SupervisedSts
{
    /// <summary>
    /// Where the training stages of model <paramref name="name"/> (a row's, or a stage kept as its own model) and seed
    /// keep their checkpoints until the model is saved.
    /// </summary>
    private static string CheckpointFolder(ReproductionContext ctx, string name, int seed) =>
        ModelFolder(ctx.Artifacts, CheckpointsFolderName, name, seed, Epochs(ctx.Epochs, ctx.Quick), ctx.TrainingPrecision, ctx.Quick);

    /// <summary>
    /// Makes one training stage resumable: a checkpoint every evaluation interval (the newest kept), so that a run
    /// stopped mid-stage (a session's end, a kill) goes on from there, to the weights an uninterrupted run would have
    /// reached. Returns the checkpoint to resume from, if an earlier run left one. Call it before the trainer is made.
    /// </summary>
    private static string? ResumableStage(Setup s, string name, int seed, string stage, TrainingOptions options)
    {
        if (!HoldsCheckpoints(s.Ctx)) return null;
        options.CheckpointDirectory = StageFolder(s.Ctx, name, seed, stage);
        options.CheckpointSteps = s.EvaluationSteps;
        options.CheckpointsKept = 1;
        string? latest = TrainingCheckpoints.Latest(options.CheckpointDirectory);
        if (latest is null) return null;
        s.Ctx.Log.WriteLine($"table 2: {name} seed {seed}: the {stage} stage resumes from {latest}");
        s.Ctx.ResumedCheckpoints.Add(TrainingCheckpoints.FullPath(latest)); // the form IncompatibleCheckpointException names
        return latest;
    }

    /// <summary>
    /// Trains a (row, seed), discarding a stage checkpoint that an earlier run left with other settings instead of
    /// stopping the table. Epochs and the recipe version are in the checkpoint folder's name, so what reaches this is
    /// a setting changed without a version bump, or other data: the checkpoint is refused before anything is loaded,
    /// and the row starts again from its saved inputs, now without that stage's checkpoints. Starting again rather than
    /// training that stage alone matters: a stage that had started made the runner skip the ones before it.
    /// </summary>
    private static (double Test, TrainingEvaluation? Best) TrainDiscardingIncompatible(Setup s, Row row, int seed)
    {
        var discarded = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            try { return row.Train(s, row.Key, seed); }
            catch (IncompatibleCheckpointException e) when (HoldsCheckpoints(s.Ctx) && discarded.Add(e.Checkpoint))
            {
                string stage = System.IO.Path.GetDirectoryName(e.Checkpoint)!;
                s.Ctx.Log.WriteLine($"table 2: {row.Key} seed {seed}: {e.Message} Its checkpoints ({stage}) are discarded and the row starts again.");
                TrainingCheckpoints.Remove(stage);
                s.Ctx.ResumedCheckpoints.Remove(e.Checkpoint);
            }
        }
    }

    /// <summary>True when the stage has a checkpoint to resume from: the stages before it are done and need not run again.</summary>
    private static bool StageStarted(Setup s, string name, int seed, string stage) =>
        HoldsCheckpoints(s.Ctx) && TrainingCheckpoints.Latest(StageFolder(s.Ctx, name, seed, stage)) is not null;

    /// <summary>The checkpoint-STEP folders of one stage ("nli", "silver", "gold") of a model and seed.</summary>
    private static string StageFolder(ReproductionContext ctx, string name, int seed, string stage) =>
        System.IO.Path.Combine(CheckpointFolder(ctx, name, seed), stage);

    /// <summary>Deletes a model's checkpoints once the model is saved and, for a row, its figure kept.</summary>
    private static void ForgetCheckpoints(Setup s, string name, int seed)
    {
        string folder = CheckpointFolder(s.Ctx, name, seed);
        if (HoldsCheckpoints(s.Ctx) && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>The lock on each artifacts folder's checkpoints this process holds until it exits (null: another process holds it).</summary>
    private static readonly Dictionary<string, FileStream?> CheckpointLocks = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether this process owns the checkpoints of the artifacts folder: two processes splitting the rows (--rows) can
    /// train the same model (a shared NLI stage, a teacher), and one pruning or deleting the other's checkpoints would
    /// break it. The first takes the lock; the others train without checkpoints, as before they existed.
    /// </summary>
    private static bool HoldsCheckpoints(ReproductionContext ctx)
    {
        string root = System.IO.Path.GetFullPath(System.IO.Path.Combine(ctx.Artifacts, CheckpointsFolderName));
        lock (CheckpointLocks)
        {
            if (!CheckpointLocks.TryGetValue(root, out var held))
            {
                Directory.CreateDirectory(root);
                try { held = new FileStream(System.IO.Path.Combine(root, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
                catch (IOException)
                {
                    held = null;
                    ctx.Log.WriteLine($"table 2: another process holds {root}; this one trains without checkpoints");
                }
                CheckpointLocks[root] = held;
            }
            return held is not null;
        }
    }
}
