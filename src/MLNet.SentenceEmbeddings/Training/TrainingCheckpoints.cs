using System.Globalization;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// The checkpoint-STEP folders a run writes into <see cref="TrainingOptions.CheckpointDirectory"/>: which one to
/// resume from, and which older ones to remove when <see cref="TrainingOptions.CheckpointsKept"/> is set (each holds
/// the model, the optimiser's moments and the best weights so far: about four times the model's size).
/// </summary>
public static class TrainingCheckpoints
{
    internal const string Prefix = "checkpoint-";

    /// <summary>A checkpoint's path in the one form callers compare: full, no trailing separator.</summary>
    internal static string FullPath(string checkpoint) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpoint));

    /// <summary>The newest complete checkpoint under <paramref name="directory"/> (the highest step), or null when there is none.</summary>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null, empty or white space.</exception>
    /// <remarks>Checkpoints appear whole or not at all, so a run killed while writing one leaves the one before as the newest.</remarks>
    public static string? Latest(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return Steps(directory).Select(c => c.Folder).LastOrDefault();
    }

    /// <summary>
    /// After the checkpoint of step <paramref name="written"/> (already on disk: checkpoints are flushed before this
    /// runs), removes all but the newest <paramref name="kept"/> of those up to that step (a later step's folder is
    /// another run's, left alone); each is renamed aside first, so none is ever seen half-deleted.
    /// </summary>
    internal static void Prune(string directory, int kept, int written)
    {
        var all = Steps(directory).Where(c => c.Step <= written).ToList();
        foreach (var (_, folder) in all.Take(Math.Max(0, all.Count - kept)))
        {
            string aside = IO.AtomicFile.TemporarySibling(folder, "old");
            Directory.Move(folder, aside);
            Directory.Delete(aside, recursive: true);
        }
    }

    /// <summary>
    /// Removes every checkpoint under <paramref name="directory"/> (once the trained model is saved), the partial ones
    /// a kill left, and the folder itself when nothing else is left in it.
    /// </summary>
    public static void Remove(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Prune(directory, kept: 0, written: int.MaxValue);
        // A run killed while writing or removing a checkpoint leaves its temporary sibling.
        foreach (string partial in IO.AtomicDirectory.Leftovers(directory, Prefix)) Directory.Delete(partial, recursive: true);
        if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
    }

    /// <summary>Every checkpoint-STEP folder, oldest first.</summary>
    private static List<(int Step, string Folder)> Steps(string directory) =>
        !Directory.Exists(directory) ? []
        : Directory.GetDirectories(directory, Prefix + "*")
            .Select(f => (Ok: int.TryParse(Path.GetFileName(f).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int step), Step: step, Folder: f))
            .Where(c => c.Ok)
            .Select(c => (c.Step, c.Folder))
            .OrderBy(c => c.Step)
            .ToList();
}
