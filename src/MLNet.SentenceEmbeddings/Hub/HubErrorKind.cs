namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>Why a Hub download failed (<see cref="HubDownloadException.Kind"/>).</summary>
public enum HubErrorKind
{
    /// <summary>HTTP 401: the repository is private, gated or absent (the Hub does not say which without a valid token), or the token was refused.</summary>
    Unauthorized,
    /// <summary>The repository is gated: its licence must be accepted on the Hub by the account whose token is sent.</summary>
    Gated,
    /// <summary>HTTP 403: the token has no read access to the repository.</summary>
    Forbidden,
    /// <summary>HTTP 404 for the repository.</summary>
    RepositoryNotFound,
    /// <summary>The repository exists but has no such branch, tag or commit.</summary>
    RevisionNotFound,
    /// <summary>A file the model needs (or that a data-set pattern asks for) is not in the repository at that revision.</summary>
    FileNotFound,
    /// <summary>The endpoint could not be reached (no network, DNS, proxy, refused connection, time-out).</summary>
    Unreachable,
    /// <summary>Offline (HF_HUB_OFFLINE or <see cref="HubDownloadOptions.Offline"/>) and the cache lacks the revision or a file of it.</summary>
    NotCached,
    /// <summary>A downloaded file's size or SHA-256 differs from what the Hub announced; the partial file was deleted.</summary>
    Corrupted,
    /// <summary>The repository or the server's answer is unusable: a file name or module path that would leave the cache, no weights, a malformed answer.</summary>
    InvalidRepository,
    /// <summary>Any other HTTP error (5xx, 429).</summary>
    ServerError,
}
