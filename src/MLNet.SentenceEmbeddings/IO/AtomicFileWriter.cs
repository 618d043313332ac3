namespace MLNet.SentenceEmbeddings.IO;

/// <summary>
/// A file being written by <see cref="AtomicFile.Create"/>: <see cref="Stream"/> writes to a temporary sibling,
/// <see cref="Commit"/> puts it in place, and disposing without committing deletes it (the target is untouched).
/// </summary>
public sealed class AtomicFileWriter : IDisposable
{
    private readonly FileStream _stream;
    private bool _committed, _disposed;

    internal AtomicFileWriter(string path, UnixFileMode? unixCreateMode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(Path)) throw new IOException($"{Path} is a folder; expected a file path.");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        TemporaryPath = AtomicFile.TemporarySibling(Path, "tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 16 };
        if (unixCreateMode is { } mode && !OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        _stream = new FileStream(TemporaryPath, options);
    }

    /// <summary>The file this writer creates or replaces (full path).</summary>
    public string Path { get; }

    /// <summary>Where the bytes go until <see cref="Commit"/>.</summary>
    public string TemporaryPath { get; }

    /// <summary>The stream to write to; do not dispose it yourself.</summary>
    public Stream Stream => _stream;

    /// <summary>Flushes the bytes to disk, renames the temporary file over <see cref="Path"/> and flushes its folder.</summary>
    /// <exception cref="InvalidOperationException">Already committed or disposed.</exception>
    /// <exception cref="IOException">The folder could not be flushed after the rename: the new file is in place but may not survive a power loss.</exception>
    public void Commit()
    {
        if (_committed || _disposed) throw new InvalidOperationException($"{Path}: the write was already committed or abandoned.");
        try
        {
            // Data on disk before the rename: after a crash the name points at the old bytes or the complete new ones.
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            File.Move(TemporaryPath, Path, overwrite: true);
            _committed = true;
        }
        catch
        {
            Dispose();
            throw;
        }
        // The rename itself is durable only once the folder's entries are: without this, a power loss soon after
        // could bring back the old file although a caller went on as if the new one were written.
        DiskFlush.Folder(System.IO.Path.GetDirectoryName(Path)!);
    }

    /// <summary>Abandons an uncommitted write: the temporary file is deleted and the target left as it was.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Dispose();
        if (!_committed)
        {
            try { File.Delete(TemporaryPath); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
