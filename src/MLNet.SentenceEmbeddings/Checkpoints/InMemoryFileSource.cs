namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>A model's files held in memory (read out of an ML.NET model zip, or built by a test).</summary>
public sealed class InMemoryFileSource : IModelFileSource
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly string _name;

    /// <param name="files">File contents by relative path ('/' separators); the paths are checked to stay inside the model.</param>
    /// <param name="name">Names the container in messages (e.g. the zip's path).</param>
    public InMemoryFileSource(IReadOnlyDictionary<string, byte[]> files, string name)
    {
        ArgumentNullException.ThrowIfNull(files);
        _name = name;
        var checkedFiles = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, bytes) in files) checkedFiles[ModelPath.CheckRelative(path, name)] = bytes;
        _files = checkedFiles;
    }

    public string Describe(string path) => $"{_name}:{path}";
    public bool Exists(string path) => _files.ContainsKey(path);
    public long Length(string path) => Get(path).LongLength;
    public Stream Open(string path) => new MemoryStream(Get(path), writable: false);
    public string? LocalPath(string path) => null;

    private byte[] Get(string path) =>
        _files.TryGetValue(path, out var bytes) ? bytes : throw new FileNotFoundException($"{_name}: required file {path} is missing.", Describe(path));
}
