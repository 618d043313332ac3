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

    [ThreadStatic] private static long _foldersFlushedOnThisThread, _filesFlushedOnThisThread;

    // Tests check that a commit flushes its folder and a checkpoint its files; per thread, so tests running beside
    // them do not count.
    /// <summary>How many folders this thread has fsynced.</summary>
    public static long FoldersFlushedOnThisThread => _foldersFlushedOnThisThread;
    /// <summary>How many files this thread has flushed to disk.</summary>
    public static long FilesFlushedOnThisThread => _filesFlushedOnThisThread;

    /// <summary>
    /// Makes a folder's entries (a rename inside it) durable: fsync on Unix; Windows has no folder handle to flush. A
    /// folder the process may write but not read (mode 0300) cannot be opened and is left: the rename in it is done,
    /// and failing the write for that would report a good file as lost.
    /// </summary>
    public static void Folder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        if (Path(folder, unreadableIsFine: true)) _foldersFlushedOnThisThread++;
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
            catch (UnauthorizedAccessException) { return; }
            _filesFlushedOnThisThread++;
        }
        else if (Path(file, unreadableIsFine: false)) _filesFlushedOnThisThread++;
    }

    /// <summary>fsync of a file or folder opened read-only (enough for both on Linux and macOS); true when it flushed.</summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="unreadableIsFine">An open refused for permission (EACCES, EPERM) returns false instead of throwing.</param>
    /// <exception cref="IOException">The path cannot be opened or the disk reported an error: what was written may not be on it.</exception>
    private static bool Path(string path, bool unreadableIsFine)
    {
        int fd;
        try { fd = Open(path, 0); } // O_RDONLY
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
        if (fd < 0)
        {
            if (unreadableIsFine && Marshal.GetLastPInvokeError() is 13 or 1) return false;
            throw Failed("open", path);
        }
        try
        {
            if (FSync(fd) == 0) return true;
            // EINVAL / ENOTSUP: the file system has nothing to flush for this kind of file (e.g. some network mounts).
            if (Marshal.GetLastPInvokeError() is not (22 or 95)) throw Failed("fsync", path);
            return false;
        }
        finally { Close(fd); }
    }

    private static IOException Failed(string call, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"Could not flush {path} to disk ({call}: errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
    }
}
