namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Downloads files of a Hugging Face Hub data set (repository type "dataset": /api/datasets/..., /datasets/.../resolve/...)
/// into the same shared cache as <see cref="HubModelDownloader"/> (datasets--namespace--name/...), with the same
/// options, checks and errors. Data sets can be large, so the files are chosen by pattern; for the Parquet files the
/// Hub converts every data set to, ask for revision "refs/convert/parquet" and a pattern such as "default/train/*.parquet".
/// Nothing downloaded is ever executed (a data set's loading script is just a file, and only fetched when a pattern asks for it).
/// </summary>
public static class HubDatasetDownloader
{
    /// <summary>
    /// The local snapshot folder of <paramref name="repoId"/> at <see cref="HubDownloadOptions.Revision"/>, holding every
    /// file whose path matches one of <paramref name="allowPatterns"/>.
    /// </summary>
    /// <param name="repoId">"namespace/name" of the data set, e.g. "sentence-transformers/stsb".</param>
    /// <param name="allowPatterns">huggingface_hub's allow_patterns (fnmatch: '*' matches any characters, '/' included;
    /// "data/" means everything under data/), e.g. "*.parquet".</param>
    /// <param name="options">As for <see cref="HubModelDownloader.Download"/>.</param>
    /// <param name="cancellationToken">Stops the download; a partial file is kept and resumed by the next call.</param>
    /// <exception cref="ArgumentException">No pattern, or an invalid id or revision.</exception>
    /// <exception cref="HubDownloadException">As for <see cref="HubModelDownloader.Download"/>; <see cref="HubErrorKind.FileNotFound"/>
    /// when no file matches the patterns.</exception>
    public static string Download(string repoId, IReadOnlyList<string> allowPatterns, HubDownloadOptions? options = null,
        CancellationToken cancellationToken = default) =>
        DownloadAsync(repoId, allowPatterns, options, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Download"/>
    public static Task<string> DownloadAsync(string repoId, IReadOnlyList<string> allowPatterns, HubDownloadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(allowPatterns);
        if (allowPatterns.Count == 0 || allowPatterns.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Give at least one non-empty pattern, e.g. \"*.parquet\" (data sets can be large, so there is no \"everything\" default).", nameof(allowPatterns));
        var context = HubDownloadStart.Context(HubRepoType.Dataset, repoId, options);
        return HubSnapshotDownloader.DownloadAsync(context, new PatternFiles(allowPatterns.ToArray()), cancellationToken);
    }
}
