namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// What one download call is about (repository, type, revision, settings) and the wording of its failures: every
/// message names the repository, the revision, the file when there is one, and what the user can do. The token is
/// never part of any message; only whether one was sent.
/// </summary>
internal sealed class HubDownloadContext(HubRepoType type, string repoId, HubSettings settings)
{
    public HubRepoType Type { get; } = type;
    public string RepoId { get; } = repoId;
    public HubSettings Settings { get; } = settings;
    public string Revision => Settings.Revision;

    /// <summary>The repository's page, e.g. https://huggingface.co/datasets/org/name.</summary>
    public string RepoUrl => $"{Settings.Endpoint.AbsoluteUri.TrimEnd('/')}/{Type.ResolvePrefix()}{RepoId}";

    /// <summary>The Hub's page listing the files of the revision.</summary>
    private string TreeUrl => $"{RepoUrl}/tree/{Uri.EscapeDataString(Revision)}";

    private string Subject(string? file) =>
        $"Hugging Face {Type.Name()} '{RepoId}' at revision '{Revision}'" + (file is null ? "" : $", file '{file}'");

    private string TokenNote => Settings.Token is null
        ? "No token was sent (neither HubDownloadOptions.Token, HF_TOKEN nor a login token file is set)."
        : "A token was sent.";

    public HubDownloadException Error(HubErrorKind kind, string? file, int? status, string detail, Exception? inner = null)
    {
        string message = kind switch
        {
            HubErrorKind.Unauthorized =>
                $"{Subject(file)}: the Hub answered 401 Unauthorized{Said(detail)}. The repository is private or gated, or does not exist " +
                $"(the Hub does not tell which without a valid token), or the token was refused. {TokenNote} For a private or gated " +
                $"repository set HF_TOKEN (or HubDownloadOptions.Token) to a read token of an account with access; for a gated one " +
                $"also accept its licence at {RepoUrl}. Otherwise check the id.",
            HubErrorKind.Gated =>
                $"{Subject(file)}: the repository is gated{Said(detail)}. Accept its conditions (licence) at {RepoUrl} while logged in, " +
                $"wait until access is granted if the authors review requests, then set HF_TOKEN (or HubDownloadOptions.Token) to a read " +
                $"token of that account. {TokenNote}",
            HubErrorKind.Forbidden =>
                $"{Subject(file)}: the Hub answered 403 Forbidden{Said(detail)}. {TokenNote} Use a token whose account can read the " +
                $"repository (a fine-grained token must list it); for a gated repository accept its licence at {RepoUrl}.",
            HubErrorKind.RepositoryNotFound =>
                $"{Subject(file)}: no such repository on {Settings.Endpoint.AbsoluteUri.TrimEnd('/')}{Said(detail)}. Check the id " +
                $"(\"namespace/name\", as in the address {RepoUrl}); a private repository also needs HF_TOKEN.",
            HubErrorKind.RevisionNotFound =>
                $"{Subject(file)}: the repository has no branch, tag or commit '{Revision}'{Said(detail)}. Pick one listed at {RepoUrl} " +
                $"(Files and versions), or leave HubDownloadOptions.Revision at \"{HubDownloadOptions.DefaultRevision}\".",
            HubErrorKind.FileNotFound =>
                $"{Subject(file)}: {detail}. See the files of this revision at {TreeUrl} and pick another revision" +
                (Type == HubRepoType.Dataset ? " or other patterns." : " or repository."),
            HubErrorKind.Unreachable =>
                $"{Subject(file)}: cannot reach {Settings.Endpoint.AbsoluteUri.TrimEnd('/')} ({detail}), and the cache " +
                $"{Settings.CacheDir} holds no complete copy of this revision. Check the network, the proxy (HTTPS_PROXY) and " +
                "HF_ENDPOINT; once the model is cached, HF_HUB_OFFLINE=1 loads it without any request.",
            HubErrorKind.NotCached =>
                $"{Subject(file)}: offline (HF_HUB_OFFLINE or HubDownloadOptions.Offline) and {detail} in the cache {Settings.CacheDir}. " +
                "Run once with network access to fill the cache (Python's huggingface_hub fills the same one), or turn offline mode off.",
            HubErrorKind.Corrupted =>
                $"{Subject(file)}: {detail}; the partial file was deleted. Run again; if it happens again, a proxy or the mirror at " +
                $"{Settings.Endpoint.AbsoluteUri.TrimEnd('/')} serves a damaged file.",
            HubErrorKind.InvalidRepository =>
                $"{Subject(file)}: {detail}. Nothing was written outside the cache. This revision cannot be used as it is " +
                $"(files at {TreeUrl}): choose another revision or repository, or tell its authors.",
            _ =>
                $"{Subject(file)}: the Hub answered {(status is null ? "an error" : status.ToString())}{Said(detail)}. Try again later.",
        };
        return new HubDownloadException(kind, RepoId, Type.Name(), Revision, file, status, message, inner);
    }

    private static string Said(string detail) => string.IsNullOrWhiteSpace(detail) ? "" : $" ({detail})";

    public void Log(string line) => Settings.Log?.Invoke(line);
}
