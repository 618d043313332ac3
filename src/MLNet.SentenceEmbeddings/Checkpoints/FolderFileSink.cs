namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// Writes a model's files into a folder. Savers hand it the temporary folder of <see cref="IO.AtomicDirectory"/>, so
/// the saved model appears whole or not at all. Files are not flushed to disk here: AtomicDirectory flushes the whole
/// folder before it swaps it in, so a sink used on its own folder gives no durability after a power loss.
/// </summary>
public sealed class FolderFileSink : IModelFileSink
{
    public FolderFileSink(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Root = Path.GetFullPath(folder);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public void Write(string path, Action<Stream> write)
    {
        string full = Path.Combine(Root, ModelPath.CheckRelative(path, Root));
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var stream = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        write(stream);
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(Path.Combine(Root, ModelPath.CheckRelative(path, Root)));
}
