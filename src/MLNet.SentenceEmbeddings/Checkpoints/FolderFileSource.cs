namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>The files of a model folder on disk.</summary>
public sealed class FolderFileSource : IModelFileSource
{
    public FolderFileSource(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder not found: {folder}");
        Root = Path.GetFullPath(folder);
    }

    public string Root { get; }

    public string Describe(string path) => Full(path);

    public bool Exists(string path) => File.Exists(Full(path));

    public Stream Open(string path)
    {
        string full = Full(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"{Root}: required file {path} is missing.", full);
        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
    }

    public long Length(string path) => new FileInfo(Full(path)).Length;

    public string? LocalPath(string path) => Full(path);

    private string Full(string path) => Path.Combine(Root, ModelPath.CheckRelative(path, Root));
}
