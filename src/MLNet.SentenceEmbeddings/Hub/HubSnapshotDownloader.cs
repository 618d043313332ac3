namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Resolves a revision to a commit and fills snapshots/&lt;commit&gt;/ with the files a selection needs, touching
/// the network as little as huggingface_hub's snapshot_download does:
/// <list type="bullet">
/// <item>a commit hash whose snapshot this library completed before: no request at all;</item>
/// <item>a branch or tag: one revision call (its commit may have moved), then nothing more when that commit is complete;</item>
/// <item>offline: refs/&lt;revision&gt; gives the commit, the snapshot must be complete, no request;</item>
/// <item>the Hub unreachable or refusing (but not "no such revision"): the cached snapshot of the revision is used
/// when complete, as huggingface_hub does, and the failure is logged.</item>
/// </list>
/// Completeness is judged from a record this library writes next to the snapshot once every file is in place; a
/// snapshot filled by Python has no record and is judged from its files (weights and configuration present).
/// </summary>
internal static class HubSnapshotDownloader
{
    public static async Task<string> DownloadAsync(HubDownloadContext context, IHubFileSelection selection, CancellationToken ct)
    {
        var settings = context.Settings;
        var cache = new HubCache(settings.CacheDir, context.Type, context.RepoId);
        string revision = context.Revision;
        string? pinned = HubNames.IsCommitHash(revision) ? revision : null;

        if (pinned is not null && Missing(cache, pinned, selection, recordedOnly: true) is null)
            return Cached(context, cache, pinned, "commit already cached; no request");

        if (settings.Offline)
        {
            string? commit = pinned ?? cache.ReadRef(revision);
            if (commit is null)
                throw context.Error(HubErrorKind.NotCached, null, null,
                    Directory.Exists(cache.RepoFolder) ? $"no refs/{revision} records which commit '{revision}' is" : "the repository is not");
            if (Missing(cache, commit, selection, recordedOnly: false) is { } missing)
                throw context.Error(HubErrorKind.NotCached, null, null, $"the snapshot of commit {commit} lacks {missing}");
            return Cached(context, cache, commit, "offline");
        }

        var client = new HubClient(context);
        HubRevisionInfo info;
        try
        {
            info = await client.GetRevisionInfoAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException
                                  || e is HubDownloadException { Kind: not HubErrorKind.RevisionNotFound })
        {
            string reason = e is HubDownloadException hub ? $"HTTP {hub.StatusCode}, {hub.Kind}" : e.Message;
            string? commit = pinned ?? cache.ReadRef(revision);
            if (commit is not null && Missing(cache, commit, selection, recordedOnly: false) is null)
                return Cached(context, cache, commit, $"the Hub could not be asked ({reason}); using the cached copy");
            if (e is HubDownloadException) throw;
            throw context.Error(HubErrorKind.Unreachable, null, null, e.Message, e);
        }

        string resolved = info.Commit;
        cache.WriteRef(revision, resolved);
        if (Missing(cache, resolved, selection, recordedOnly: true) is null)
            return Cached(context, cache, resolved, $"'{revision}' is commit {resolved}, already cached");

        context.Log($"{context.RepoId}: '{revision}' is commit {resolved}");
        var placed = new Dictionary<string, long>(StringComparer.Ordinal);
        async Task<string> EnsureAsync(string file, CancellationToken token)
        {
            if (HubNames.UnsafeRelativePathReason(file) is { } reason)
                throw context.Error(HubErrorKind.InvalidRepository, file, null,
                    $"the repository's file name is refused because {reason}: it would be written outside the cache folder");
            if (!info.Files.TryGetValue(file, out var listed))
                throw context.Error(HubErrorKind.FileNotFound, file, null, "the model needs this file, but the repository does not list it at this revision");
            string pointer = cache.SnapshotPath(resolved, file);
            if (!HubCache.HasFile(pointer, listed.Size))
            {
                HubFileMetadata metadata;
                try { metadata = await client.GetFileMetadataAsync(resolved, file, token).ConfigureAwait(false); }
                catch (Exception e) when (e is HttpRequestException or TimeoutException)
                { throw context.Error(HubErrorKind.Unreachable, file, null, e.Message, e); }
                string blob = await HubBlobDownload.EnsureAsync(client, context, cache, file, metadata, listed, token).ConfigureAwait(false);
                cache.LinkIntoSnapshot(blob, pointer);
                placed[file] = metadata.Size;
            }
            else placed[file] = listed.Size ?? LengthOf(pointer);
            return pointer;
        }

        IReadOnlyList<string> files;
        try
        {
            files = await selection.SelectAsync(info, async (file, token) => await File.ReadAllTextAsync(
                await EnsureAsync(file, token).ConfigureAwait(false), token).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        catch (HubSelectionException e) { throw context.Error(e.Kind, e.File, null, e.Message, e); }
        foreach (string file in files) await EnsureAsync(file, ct).ConfigureAwait(false);

        cache.WriteManifest(context.RepoId, resolved, selection.Key, placed.Select(p => (p.Key, p.Value)));
        context.Log($"{context.RepoId}: {placed.Count} files ready in {cache.SnapshotFolder(resolved)}");
        return cache.SnapshotFolder(resolved);
    }

    /// <summary>
    /// Null when the snapshot of <paramref name="commit"/> holds every file the selection needs, else what it lacks.
    /// <paramref name="recordedOnly"/>: trust only this library's record (used before a request could tell more).
    /// </summary>
    private static string? Missing(HubCache cache, string commit, IHubFileSelection selection, bool recordedOnly)
    {
        var recorded = cache.ReadManifest(commit, selection.Key);
        if (recorded is not null)
        {
            foreach (var (path, size) in recorded)
            {
                if (HubNames.UnsafeRelativePathReason(path) is not null) return $"a valid record ({path})";
                if (!HubCache.HasFile(cache.SnapshotPath(commit, path), size)) return path;
            }
            return null;
        }
        string folder = cache.SnapshotFolder(commit);
        if (recordedOnly) return "a record of a completed download";
        if (!Directory.Exists(folder)) return "everything (no snapshot folder)";
        return selection.MissingFromUnrecordedSnapshot(folder);
    }

    private static string Cached(HubDownloadContext context, HubCache cache, string commit, string why)
    {
        string folder = cache.SnapshotFolder(commit);
        context.Log($"{context.RepoId}: {why}: {folder}");
        return folder;
    }

    private static long LengthOf(string path)
    {
        using var handle = File.OpenHandle(path);
        return RandomAccess.GetLength(handle);
    }
}
