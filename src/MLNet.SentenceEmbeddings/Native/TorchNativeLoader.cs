using System.Reflection;
using System.Runtime.InteropServices;
using System.Globalization;
using System.Security.Cryptography;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Native;

/// <summary>What <see cref="TorchNativeLoader.EnsureLoaded"/> did on this machine.</summary>
/// <param name="Action">"none" (not Linux, or the system libstdc++ already satisfies TorchSharp), or "patched".</param>
/// <param name="Original">The TorchSharp native library found, when one was examined.</param>
/// <param name="Loaded">The file actually loaded (the patched copy when <paramref name="Action"/> is "patched").</param>
/// <param name="WeakenedVersions">Needed versions marked weak in the copy, e.g. GLIBCXX_3.4.32.</param>
public sealed record TorchNativeReport(string Action, string? Original, string? Loaded, IReadOnlyList<string> WeakenedVersions);

/// <summary>
/// Makes TorchSharp's native library load on Linux distributions whose libstdc++ is older than the one TorchSharp
/// was linked against (Debian 12, Ubuntu 22.04, the .NET SDK images), with no manual step.
/// </summary>
/// <remarks>
/// When the system libstdc++ lacks a version that <c>libLibTorchSharp.so</c> lists but never binds a symbol from
/// (see <see cref="ElfVersionNeeds"/>), a copy with that entry marked weak is written to a cache folder and loaded
/// before TorchSharp initialises. TorchSharp then asks for <c>libLibTorchSharp.so</c> by name, and the dynamic
/// loader hands back the already-loaded copy (same SONAME). Systems where the library already loads are left alone;
/// nothing in the application or the NuGet cache is modified.
/// The cache folder is <c>$MLNET_SENTENCE_EMBEDDINGS_CACHE/native</c>, else <c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>
/// followed by <c>mlnet-sentence-embeddings/native</c>, else a per-user <c>/tmp/mlnet-sentence-embeddings-UID</c>. It
/// must be private (created 0700, owned by this user, not writable by others: <see cref="PrivateDirectory"/>), and a
/// cached copy is loaded only when its SHA-256 matches the bytes this process would write.
/// </remarks>
public static class TorchNativeLoader
{
    private const string LibraryFile = "libLibTorchSharp.so";
    private static readonly object Gate = new();
    private static TorchNativeReport? _report;
    private static Exception? _failure;

    /// <summary>
    /// Prepares the TorchSharp native library for loading. Idempotent and thread-safe; called by every entry point
    /// of this library before it touches TorchSharp. Call it yourself before using TorchSharp directly.
    /// </summary>
    /// <exception cref="InvalidOperationException">The library needs versions that cannot safely be weakened.</exception>
    public static TorchNativeReport EnsureLoaded()
    {
        lock (Gate)
        {
            if (_report is not null) return _report;
            if (_failure is not null) throw new InvalidOperationException(_failure.Message, _failure);
            try
            {
                _report = Prepare();
                return _report;
            }
            catch (Exception e)
            {
                _failure = e;
                throw;
            }
        }
    }

    private static TorchNativeReport Prepare()
    {
        if (!OperatingSystem.IsLinux()) return new("none", null, null, Array.Empty<string>());
        var torchAssembly = typeof(TorchSharp.torch).Assembly;
        string? original = FindTorchSharpNative(torchAssembly);
        string? systemStdCxx = FindLoadedLibStdCxx();
        if (original is null || systemStdCxx is null) return new("none", original, null, Array.Empty<string>());

        var elf = ElfVersionNeeds.Read(original);
        var missing = MissingVersions(elf, ElfVersionNeeds.Read(systemStdCxx).Definitions());
        if (missing.Count == 0) return new("none", original, original, Array.Empty<string>());

        foreach (var need in missing)
        {
            var bound = elf.RelocatedSymbolsOfVersion(need.Index);
            if (bound.Count > 0)
                throw new InvalidOperationException(
                    $"{original} needs {need.Version} from {need.File}, which {systemStdCxx} does not provide, and binds " +
                    $"{string.Join(", ", bound.Take(5))} from it. Install a libstdc++ that provides {need.Version} (GCC 13 or newer).");
            elf.MarkWeak(need);
        }

        string patched = WritePatchedCopy(elf.Image);
        // The copy's RUNPATH ($ORIGIN) no longer finds libtorch; load the libtorch libraries first so that the copy's
        // DT_NEEDED entries resolve by SONAME to them.
        foreach (var dep in new[] { "c10", "torch_cpu", "torch" })
            NativeLibrary.TryLoad(dep, torchAssembly, null, out _);
        NativeLibrary.Load(patched);
        return new("patched", original, patched, missing.Select(m => m.Version).ToList());
    }

    /// <summary>Needed libstdc++ versions (GLIBCXX_*, CXXABI_*) that <paramref name="provided"/> lacks and are not weak yet.</summary>
    internal static List<ElfVersionNeeds.Need> MissingVersions(ElfVersionNeeds elf, IReadOnlySet<string> provided) =>
        elf.Needs()
           .Where(n => n.File.StartsWith("libstdc++.so", StringComparison.Ordinal) && !n.IsWeak && !provided.Contains(n.Version))
           .ToList();

    private static string WritePatchedCopy(byte[] image)
    {
        var (root, isDefault) = ResolveCacheRoot(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        return WritePatchedCopy(root, repairRoot: isDefault, image);
    }

    /// <summary>
    /// The patched library under <paramref name="cacheRoot"/>/native/HASH, in a private folder (see
    /// <see cref="PrivateDirectory"/>). A copy already there is used only when its bytes hash (SHA-256) to those of
    /// <paramref name="image"/>; otherwise it is replaced, through a temporary file and a rename, so that concurrent
    /// processes never load a half-written file.
    /// </summary>
    internal static string WritePatchedCopy(string cacheRoot, bool repairRoot, byte[] image)
    {
        byte[] expected = SHA256.HashData(image);
        string hash = Convert.ToHexString(expected)[..16].ToLowerInvariant();
        string dir = PrivateDirectory.Ensure(cacheRoot, repairRoot, "native", hash);
        string target = Path.Combine(dir, LibraryFile);
        if (HoldsExactly(target, expected)) return target;
        AtomicFile.WriteAllBytes(target, image, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return target;
    }

    /// <summary>True when <paramref name="path"/> is a regular file (not a link) whose SHA-256 is <paramref name="sha256"/>.</summary>
    private static bool HoldsExactly(string path, byte[] sha256)
    {
        if (OperatingSystem.IsLinux() && UnixFileStatus.Get(path) is not { IsRegularFile: true }) return false;
        if (!File.Exists(path)) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return SHA256.HashData(stream).AsSpan().SequenceEqual(sha256);
    }

    internal static string CacheRoot() =>
        ResolveCacheRoot(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)).Root;

    /// <summary>
    /// The cache root: $MLNET_SENTENCE_EMBEDDINGS_CACHE as given (IsDefault false), else
    /// $XDG_CACHE_HOME/mlnet-sentence-embeddings (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
    /// HOME/.cache/mlnet-sentence-embeddings, else a per-user /tmp/mlnet-sentence-embeddings-UID, never a folder
    /// shared between users (the checks of <see cref="PrivateDirectory"/> apply to it like to any other).
    /// </summary>
    internal static (string Root, bool IsDefault) ResolveCacheRoot(Func<string, string?> environment, string? home)
    {
        const string Name = "mlnet-sentence-embeddings";
        string? own = environment("MLNET_SENTENCE_EMBEDDINGS_CACHE");
        if (!string.IsNullOrEmpty(own)) return (Path.GetFullPath(own), false);
        string? xdg = environment("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return (Path.Combine(xdg, Name), true);
        if (!string.IsNullOrEmpty(home)) return (Path.Combine(home, ".cache", Name), true);
        string user = OperatingSystem.IsLinux() ? UnixFileStatus.EffectiveUserId.ToString(CultureInfo.InvariantCulture) : Environment.UserName;
        return (Path.Combine(Path.GetTempPath(), $"{Name}-{user}"), true);
    }

    /// <summary>Where the runtime would look for TorchSharp's native library: the app's native search folders, then the package layout.</summary>
    private static string? FindTorchSharpNative(Assembly torchAssembly)
    {
        var dirs = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
            dirs.AddRange(searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        string? asmDir = Path.GetDirectoryName(torchAssembly.Location);
        if (!string.IsNullOrEmpty(asmDir))
        {
            dirs.Add(asmDir);
            dirs.Add(Path.Combine(asmDir, "runtimes", "linux-x64", "native"));
            // NuGet cache layout: torchsharp/<ver>/lib/<tfm>/TorchSharp.dll next to runtimes/linux-x64/native.
            dirs.Add(Path.GetFullPath(Path.Combine(asmDir, "..", "..", "runtimes", "linux-x64", "native")));
        }
        dirs.Add(AppContext.BaseDirectory);
        return dirs.Select(d => Path.Combine(d, LibraryFile)).FirstOrDefault(File.Exists);
    }

    /// <summary>The libstdc++ this process uses: the one the .NET runtime already mapped, else the usual locations.</summary>
    private static string? FindLoadedLibStdCxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.Contains("libstdc++.so", StringComparison.Ordinal))
                    return line[slash..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" }
            .FirstOrDefault(File.Exists);
    }
}
