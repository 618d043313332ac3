namespace MLNet.SentenceEmbeddings.Native;

/// <summary>
/// Makes sure a folder we load native code from cannot be written by another local user: the folder and the ones we
/// create under it are created 0700, must be real folders (not links) owned by this user and not writable by group or
/// others, and every folder above must be owned by this user or root and, if others can write to it, sticky (as /tmp),
/// so nobody else can rename a folder of the path away and put their own in its place.
/// </summary>
/// <remarks>Checks run on Linux (where the patched TorchSharp library is written); elsewhere folders are only created.</remarks>
internal static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates (0700) or checks <paramref name="root"/>, then each of <paramref name="children"/> below it in turn; returns the deepest.
    /// </summary>
    /// <param name="root">The cache root.</param>
    /// <param name="repairRoot">
    /// True when the root is our own default folder: if it is group- or world-writable, those bits are removed. False
    /// for a folder the user named (MLNET_SENTENCE_EMBEDDINGS_CACHE): then it is refused instead of changed.
    /// </param>
    /// <param name="children">Sub-folder names, created 0700 and repaired when group- or world-writable.</param>
    /// <exception cref="UnauthorizedAccessException">A folder of the path is owned by another user, is a link, or is writable by others; the message names it.</exception>
    public static string Ensure(string root, bool repairRoot, params string[] children)
    {
        string path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!OperatingSystem.IsLinux())
        {
            string all = Path.Combine(new[] { path }.Concat(children).ToArray());
            Directory.CreateDirectory(all);
            return all;
        }
        uint me = UnixFileStatus.EffectiveUserId;
        CheckAncestors(path, me);
        CreateOrCheck(path, me, repairRoot);
        foreach (var child in children)
        {
            path = Path.Combine(path, child);
            CreateOrCheck(path, me, repair: true);
        }
        return path;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void CreateOrCheck(string path, uint me, bool repair)
    {
        if (UnixFileStatus.Get(path) is null) CreateOwnerOnly(path);
        var status = UnixFileStatus.Get(path) ?? throw new IOException($"{path}: vanished right after being created.");
        if (status.IsSymbolicLink || !status.IsDirectory)
            throw Refuse(path, status.IsSymbolicLink ? "is a symbolic link" : "is not a folder");
        if (status.Uid != me) throw Refuse(path, $"is owned by uid {status.Uid}, not by this user (uid {me})");
        if (!status.WritableByOthers) return;
        if (!repair) throw Refuse(path, $"is writable by group or others (mode {Octal(status.Permissions)})");
        File.SetUnixFileMode(path, status.Permissions & ~(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        if (UnixFileStatus.Get(path) is not { WritableByOthers: false })
            throw Refuse(path, "stayed writable by group or others after removing those permissions");
    }

    /// <summary>Creates <paramref name="path"/> and any missing folder above it, each 0700 (Directory.CreateDirectory gives the parents the default mode).</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static void CreateOwnerOnly(string path)
    {
        var missing = new Stack<string>();
        for (string? dir = path; !string.IsNullOrEmpty(dir) && UnixFileStatus.Get(dir) is null; dir = Path.GetDirectoryName(dir))
            missing.Push(dir);
        while (missing.TryPop(out var dir))
        {
            try { Directory.CreateDirectory(dir, OwnerOnly); }
            catch (IOException) when (Directory.Exists(dir)) { } // another process made it first; checked below
        }
    }

    /// <summary>Every existing folder above <paramref name="path"/>: owned by us or root; writable by others only when sticky.</summary>
    private static void CheckAncestors(string path, uint me)
    {
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (UnixFileStatus.Get(dir) is not { } status) continue; // not created yet: Ensure creates it 0700
            if (status.IsSymbolicLink)
            {
                // A link above the folder (a home on another disk) is fine if its target is safe: check what it resolves to.
                string real = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
                if (UnixFileStatus.Get(real) is not { } target) continue;
                status = target;
            }
            if (status.Uid != me && status.Uid != 0) throw Refuse(dir, $"(above the cache) is owned by uid {status.Uid}, neither this user (uid {me}) nor root");
            if (status.WritableByOthers && !status.Sticky)
                throw Refuse(dir, $"(above the cache) is writable by group or others and not sticky (mode {Octal(status.Permissions)}), so another user could replace the cache");
        }
    }

    private static UnauthorizedAccessException Refuse(string path, string why) => new(
        $"{path} {why}; refusing to use it for the native library cache. Set MLNET_SENTENCE_EMBEDDINGS_CACHE to a folder only you can write to.");

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
