using System.Runtime.InteropServices;

namespace MLNet.SentenceEmbeddings.IO;

/// <summary>
/// fsync of files and folders, shared by <see cref="AtomicFile"/> and <see cref="AtomicDirectory"/>: a rename is
/// durable only once the folder holding the new name is flushed, and a file's bytes only once the file is.
/// </summary>
internal static class DiskFlush
{
    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    [ThreadStatic] private static long _foldersFlushedOnThisThread;

    /// <summary>How many folders this thread has flushed (tests check that a commit flushes its folder; per thread, so tests running beside it do not count).</summary>
    public static long FoldersFlushedOnThisThread => _foldersFlushedOnThisThread;

    /// <summary>Makes a folder's entries (a rename inside it) durable: fsync on Unix; Windows has no folder handle to flush.</summary>
    public static void Folder(string folder)
    {
        if (!OperatingSystem.IsWindows()) Path(folder);
        _foldersFlushedOnThisThread++;
    }

    /// <summary>
    /// Flushes a file written and closed earlier. Opened read-only on Unix, so a file made read-only still flushes;
    /// on Windows a read-only file is left (NTFS orders its own metadata).
    /// </summary>
    public static void File(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            // Flush(true) is a FlushFileBuffers only on a handle that can write.
            try { using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read); stream.Flush(flushToDisk: true); }
            catch (UnauthorizedAccessException) { }
        }
        else Path(file);
    }

    /// <summary>fsync of a file or folder opened read-only (enough for both on Linux and macOS).</summary>
    /// <exception cref="IOException">The path cannot be opened or the disk reported an error: what was written may not be on it.</exception>
    private static void Path(string path)
    {
        int fd;
        try { fd = Open(path, 0); } // O_RDONLY
        catch (EntryPointNotFoundException) { return; }
        catch (DllNotFoundException) { return; }
        if (fd < 0) throw Failed("open", path);
        try
        {
            // EINVAL / ENOTSUP: the file system has nothing to flush for this kind of file (e.g. some network mounts).
            if (FSync(fd) != 0 && Marshal.GetLastPInvokeError() is not (22 or 95)) throw Failed("fsync", path);
        }
        finally { Close(fd); }
    }

    private static IOException Failed(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"Could not flush {path} to disk ({call}: errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
    }
}
