namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// Where the files of a model are written: a folder (built aside and swapped in whole, <see cref="FolderFileSink"/>)
/// or the entries of an ML.NET model zip. Each module writes its own files through it, so the layout a module reads
/// is the layout it writes.
/// </summary>
public interface IModelFileSink
{
    /// <summary>Writes one file at <paramref name="path"/> (relative, '/' separators) through <paramref name="write"/>.</summary>
    void Write(string path, Action<Stream> write);

    /// <summary>Records an empty folder (the format marks some modules, e.g. 2_Normalize/, by a folder alone).</summary>
    void CreateDirectory(string path);
}
