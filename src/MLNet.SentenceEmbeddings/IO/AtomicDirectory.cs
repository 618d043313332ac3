using System.Runtime.InteropServices;

namespace MLNet.SentenceEmbeddings.IO;

/// <summary>
/// Writes a folder (a saved model, a checkpoint) so that it appears whole or not at all: the caller builds it in a
/// temporary sibling (<c>.NAME.RANDOM.tmp</c>), which is then swapped in for the old folder.
/// </summary>
/// <remarks>
/// <para>
/// On Linux the swap is one <c>renameat2(RENAME_EXCHANGE)</c> call: readers see the old folder or the new one, never
/// neither. Elsewhere (or on a file system without exchange) it is two renames: the old folder is renamed aside to
/// <c>.NAME.RANDOM.old</c>, the new one renamed in, and the old one deleted. Between those two renames (microseconds)
/// <c>NAME</c> does not exist; a process killed exactly then leaves the complete old folder at <c>.NAME.*.old</c> and
/// the complete new one at <c>.NAME.*.tmp</c>, either of which can be renamed back by hand. A build that throws
/// leaves the old folder untouched and deletes its temporary sibling; a process killed during the build leaves the
/// old folder untouched and a <c>.NAME.*.tmp</c> sibling behind.
/// </para>
/// <para>
/// Files inside the new folder are written plainly; before the swap each is flushed to disk (fsync), and the parent
/// folder after it, so the folder appears whole after a power loss too, not only after a kill.
/// </para>
/// </remarks>
public static class AtomicDirectory
{
    /// <summary>Builds <paramref name="path"/>: <paramref name="build"/> fills the empty temporary folder it is given; then it replaces the old folder.</summary>
    /// <param name="path">The folder to create or replace; its parent is created when missing.</param>
    /// <param name="build">Writes the folder's contents into the path it receives (not into <paramref name="path"/>).</param>
    /// <exception cref="IOException"><paramref name="path"/> is an existing file, or a rename failed.</exception>
    public static void Write(string path, Action<string> build)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(build);
        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (File.Exists(target)) throw new IOException($"{target} is a file; expected a folder path.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = AtomicFile.TemporarySibling(target, "tmp");
        Directory.CreateDirectory(temp);
        try
        {
            build(temp);
            // Renames alone order nothing on disk: after a power loss the new name could hold empty files, and a
            // caller that deletes what the new folder replaces (older checkpoints) would have lost both.
            FlushFiles(temp);
            Swap(temp, target);
            DiskFlush.Folder(Path.GetDirectoryName(target)!);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// The temporary and set-aside siblings (<c>.NAME.*.tmp</c>, <c>.NAME.*.old</c>) that a process killed mid-write or
    /// mid-swap left in <paramref name="parent"/>, for folders whose names start with <paramref name="namePrefix"/>.
    /// </summary>
    internal static IEnumerable<string> Leftovers(string parent, string namePrefix) =>
        !Directory.Exists(parent) ? []
        : Directory.GetDirectories(parent, "." + namePrefix + "*").Where(d => d.EndsWith(".tmp", StringComparison.Ordinal) || d.EndsWith(".old", StringComparison.Ordinal));

    /// <summary>
    /// Flushes every file of the new folder, then every folder in it deepest first (their entries, the files' names),
    /// before the swap.
    /// </summary>
    private static void FlushFiles(string folder)
    {
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            DiskFlush.File(file);
        foreach (string sub in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            DiskFlush.Folder(sub);
        DiskFlush.Folder(folder);
    }

    /// <summary>Forces the two-rename swap (tests of the fallback path).</summary>
    internal static bool DisableExchange { get; set; }

    /// <summary>Moves <paramref name="built"/> to <paramref name="target"/>, replacing a folder already there.</summary>
    private static void Swap(string built, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(built, target);
            return;
        }
        if (!DisableExchange && TryExchange(built, target))
        {
            TryDelete(built); // now holds the old folder
            return;
        }
        string aside = AtomicFile.TemporarySibling(target, "old");
        Directory.Move(target, aside);
        try { Directory.Move(built, target); }
        catch
        {
            // Put the old folder back so that a failed swap changes nothing.
            Directory.Move(aside, target);
            throw;
        }
        TryDelete(aside);
    }

    private static long _exchanges;

    /// <summary>How many swaps used the one-call exchange (tests check that the Linux path is taken).</summary>
    internal static long Exchanges => Interlocked.Read(ref _exchanges);

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    /// <summary>Atomically exchanges two folders (Linux 3.15+, glibc 2.28+); false where that is not available.</summary>
    private static bool TryExchange(string a, string b)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            if (RenameAt2(AtFdCwd, a, AtFdCwd, b, RenameExchange) == 0) { Interlocked.Increment(ref _exchanges); return true; }
            int errno = Marshal.GetLastPInvokeError();
            // EINVAL: the file system cannot exchange; ENOSYS: the kernel cannot. Anything else is a real failure.
            if (errno is 22 or 38) return false;
            throw new IOException($"Could not swap {a} into {b} (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}).");
        }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    private static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
