namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// Where the files of a saved model are read from: a folder, or the entries of an ML.NET model zip. Paths are
/// relative to the model's root, with '/' separators ("config.json", "1_Pooling/config.json").
/// </summary>
public interface IModelFileSource
{
    /// <summary>Names a file in messages: its full path, or the zip and entry it comes from.</summary>
    string Describe(string path);

    bool Exists(string path);

    /// <summary>Opens a file for reading; the caller disposes the stream.</summary>
    /// <exception cref="FileNotFoundException">The file is not there; the message names it.</exception>
    Stream Open(string path);

    /// <summary>The file's length in bytes (checked against limits before a reader allocates).</summary>
    long Length(string path);

    /// <summary>A path on disk when the source is a folder (memory-mapped readers use it), else null.</summary>
    string? LocalPath(string path);
}
