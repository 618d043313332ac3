namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// Writes a model folder whole or not at all: files go to a hidden sibling folder, and <see cref="Commit"/> swaps it
/// in for the target (the old folder is renamed aside first and deleted after). Disposed without a commit, the
/// sibling is deleted and the target is untouched. A crash between the two renames leaves the old folder beside the
/// target under a ".old-" name and no half-written target.
/// </summary>
public sealed class FolderFileSink : IModelFileSink, IDisposable
{
    private readonly string _target;
    private bool _committed;

    public FolderFileSink(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _target = Path.GetFullPath(folder.TrimEnd('/', Path.DirectorySeparatorChar));
        string parent = Path.GetDirectoryName(_target) ?? throw new ArgumentException($"'{folder}' has no parent folder.", nameof(folder));
        Directory.CreateDirectory(parent);
        Staging = Path.Combine(parent, $".{Path.GetFileName(_target)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Staging);
    }

    /// <summary>The hidden folder being written.</summary>
    public string Staging { get; }

    public void Write(string path, Action<Stream> write)
    {
        string full = Path.Combine(Staging, ModelPath.CheckRelative(path, _target));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var stream = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(Path.Combine(Staging, ModelPath.CheckRelative(path, _target)));

    /// <summary>Replaces the target folder with what was written.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        string? old = null;
        if (Directory.Exists(_target))
        {
            old = Path.Combine(Path.GetDirectoryName(_target)!, $".{Path.GetFileName(_target)}.old-{Guid.NewGuid():N}");
            Directory.Move(_target, old);
        }
        else if (File.Exists(_target))
        {
            throw new IOException($"{_target} is a file; expected a folder (or nothing) to save the model into.");
        }
        Directory.Move(Staging, _target);
        _committed = true;
        if (old is not null) Directory.Delete(old, recursive: true);
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true);
        _committed = true;
    }
}
