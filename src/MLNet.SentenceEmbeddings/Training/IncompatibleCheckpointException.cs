namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// A checkpoint to resume from was written by a run with another seed, length or setting. Thrown before anything is
/// loaded, so the model and its optimiser are as they were: a caller may discard the checkpoint and start again.
/// </summary>
public sealed class IncompatibleCheckpointException : InvalidOperationException
{
    public IncompatibleCheckpointException(string checkpoint, string message) : base(message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpoint);
        Checkpoint = TrainingCheckpoints.FullPath(checkpoint);
    }

    /// <summary>The checkpoint-STEP folder that does not fit this run (full path, no trailing separator).</summary>
    public string Checkpoint { get; }
}
