namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>Which files of a repository one kind of download needs.</summary>
internal interface IHubFileSelection
{
    /// <summary>Names the selection in the cache's record of completed downloads (a different selection of the same commit is a different record).</summary>
    string Key { get; }

    /// <summary>
    /// The repository files to download (paths with '/'). <paramref name="readFile"/> downloads one file first and
    /// returns its text, for selections that depend on a file's content (modules.json, a sharded-weights index).
    /// </summary>
    Task<IReadOnlyList<string>> SelectAsync(HubRevisionInfo revision, Func<string, CancellationToken, Task<string>> readFile, CancellationToken ct);

    /// <summary>
    /// For a snapshot this library did not record (filled by Python): whether it holds what the selection needs,
    /// judged from the files alone. Null when it does, else what is missing.
    /// </summary>
    string? MissingFromUnrecordedSnapshot(string snapshotFolder);
}
