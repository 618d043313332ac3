namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// A Hub download failed. The message names the repository, the revision, the file when there is one, and what to do;
/// it never contains the access token.
/// </summary>
public sealed class HubDownloadException : Exception
{
    internal HubDownloadException(HubErrorKind kind, string repoId, string repoType, string revision, string? fileName,
        int? statusCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        RepoId = repoId;
        RepoType = repoType;
        Revision = revision;
        FileName = fileName;
        StatusCode = statusCode;
    }

    public HubErrorKind Kind { get; }

    /// <summary>"namespace/name".</summary>
    public string RepoId { get; }

    /// <summary>"model" or "dataset".</summary>
    public string RepoType { get; }

    /// <summary>The branch, tag or commit asked for.</summary>
    public string Revision { get; }

    /// <summary>The repository file at fault (path inside the repository), or null when the failure is not about one file.</summary>
    public string? FileName { get; }

    /// <summary>The HTTP status the Hub answered, or null when no answer came (or none was asked for).</summary>
    public int? StatusCode { get; }
}
