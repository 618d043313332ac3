using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// One repository's folder in the Hub cache, in huggingface_hub's layout so that Python and .NET share it:
/// <code>
/// models--namespace--name/
///   blobs/&lt;etag&gt;                    file contents, named by the Hub's ETag (git SHA-1, or SHA-256 for LFS files)
///   snapshots/&lt;commit&gt;/&lt;file&gt;        symbolic link to ../../blobs/&lt;etag&gt; (a copy where links cannot be made)
///   refs/&lt;revision&gt;                 the commit a branch or tag pointed to at the last online look-up
///   .mlnet-sentence-embeddings/      which files this library chose for a commit (huggingface_hub ignores it)
/// </code>
/// Every file appears whole or not at all: written under a temporary name in its final folder, then renamed.
/// </summary>
internal sealed class HubCache
{
    private const string ManifestFolderName = ".mlnet-sentence-embeddings";
    private const int ManifestFormat = 1;

    public HubCache(string cacheDir, HubRepoType type, string repoId)
    {
        CacheDir = Path.GetFullPath(cacheDir);
        RepoFolder = Path.Combine(CacheDir, HubRepoId.CacheFolderName(repoId, type));
    }

    public string CacheDir { get; }

    /// <summary>models--namespace--name.</summary>
    public string RepoFolder { get; }

    public string BlobsFolder => Path.Combine(RepoFolder, "blobs");

    public string SnapshotFolder(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    /// <summary>The blob of <paramref name="etag"/> (checked to be a plain name by the caller).</summary>
    public string BlobPath(string etag) => Path.Combine(BlobsFolder, etag);

    /// <summary>Where <paramref name="repoFile"/> ("a/b.json", checked by <see cref="HubNames"/>) lives in the snapshot of <paramref name="commit"/>.</summary>
    public string SnapshotPath(string commit, string repoFile)
    {
        string snapshot = SnapshotFolder(commit);
        string path = Path.GetFullPath(Path.Combine(snapshot, Path.Combine(repoFile.Split('/'))));
        // Second line of defence after HubNames: the resolved path must stay inside the snapshot.
        if (!path.StartsWith(snapshot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"'{repoFile}' resolves outside {snapshot}.");
        return path;
    }

    /// <summary>The commit refs/<paramref name="revision"/> holds, or null when there is none (or it is not a commit hash).</summary>
    public string? ReadRef(string revision)
    {
        string path = Path.Combine(RepoFolder, "refs", Path.Combine(revision.Split('/')));
        if (!File.Exists(path)) return null;
        string commit = File.ReadAllText(path).Trim();
        return HubNames.IsCommitHash(commit) ? commit : null;
    }

    /// <summary>Records that <paramref name="revision"/> points to <paramref name="commit"/> (no newline, as huggingface_hub writes it).</summary>
    public void WriteRef(string revision, string commit)
    {
        if (revision == commit || ReadRef(revision) == commit) return;
        string path = Path.Combine(RepoFolder, "refs", Path.Combine(revision.Split('/')));
        AtomicFile.WriteAllText(path, commit);
    }

    /// <summary>
    /// Makes snapshots/&lt;commit&gt;/&lt;file&gt; point at the blob: a relative symbolic link as huggingface_hub makes
    /// (the cache can move), else a copy (Windows without the symlink privilege, file systems without links).
    /// </summary>
    public void LinkIntoSnapshot(string blobPath, string snapshotPath)
    {
        string folder = Path.GetDirectoryName(snapshotPath)!;
        Directory.CreateDirectory(folder);
        // A link is not written through a stream, so AtomicFile only names its temporary sibling; the rename is the same.
        string temp = AtomicFile.TemporarySibling(snapshotPath, "tmp");
        try
        {
            try { File.CreateSymbolicLink(temp, Path.GetRelativePath(folder, blobPath)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                AtomicFile.Write(snapshotPath, copy =>
                {
                    using var blob = File.OpenRead(blobPath);
                    blob.CopyTo(copy);
                });
                return;
            }
            File.Move(temp, snapshotPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);   // no-op after the rename; removes a link left by a failed one
        }
    }

    /// <summary>True when the snapshot file exists and reaches its content (a dangling link does not count).</summary>
    public static bool HasFile(string snapshotPath, long? expectedSize = null)
    {
        // Opening follows the link; File.Exists alone would accept a link whose blob was deleted.
        try
        {
            using var handle = File.OpenHandle(snapshotPath);
            return expectedSize is null || RandomAccess.GetLength(handle) == expectedSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The files this library downloaded for <paramref name="commit"/> under selection <paramref name="key"/> (path, size), or null.</summary>
    public IReadOnlyList<(string Path, long Size)>? ReadManifest(string commit, string key)
    {
        string path = ManifestPath(commit, key);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            if (root["format"]?.GetValue<int>() != ManifestFormat) return null;
            return root["files"]!.AsArray()
                .Select(f => (f!["path"]!.GetValue<string>(), f["size"]!.GetValue<long>()))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null;   // unreadable: treated as absent, rewritten after the next online load
        }
    }

    public void WriteManifest(string repoId, string commit, string key, IEnumerable<(string Path, long Size)> files)
    {
        var json = new JsonObject
        {
            ["format"] = ManifestFormat,
            ["repo_id"] = repoId,
            ["commit"] = commit,
            ["selection"] = key,
            ["files"] = new JsonArray(files.OrderBy(f => f.Path, StringComparer.Ordinal)
                .Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["size"] = f.Size }).ToArray()),
        };
        AtomicFile.WriteAllText(ManifestPath(commit, key), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private string ManifestPath(string commit, string key) => Path.Combine(RepoFolder, ManifestFolderName, $"{commit}.{key}.json");
}
