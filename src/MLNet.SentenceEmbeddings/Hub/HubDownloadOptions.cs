namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// How <see cref="HubModelDownloader"/> and <see cref="HubDatasetDownloader"/> reach the Hub and where they cache.
/// Every property left null falls back to the environment variable huggingface_hub reads, so Python and .NET on one
/// machine agree; docs/hub.md lists them.
/// </summary>
public sealed class HubDownloadOptions
{
    /// <summary>The default revision: the repository's main branch.</summary>
    public const string DefaultRevision = "main";

    /// <summary>The public Hub, used when neither <see cref="Endpoint"/> nor HF_ENDPOINT is set.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>
    /// Branch, tag or commit (40 hex digits) to download. A commit is immutable, so once cached it is served without
    /// any request; a branch or tag costs one small request per load to learn its current commit.
    /// </summary>
    public string Revision { get; set; } = DefaultRevision;

    /// <summary>Hub address (a mirror, a private Hub); null: HF_ENDPOINT, else <see cref="DefaultEndpoint"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// Access token for private and gated repositories, sent as "Authorization: Bearer ..." to the endpoint only
    /// (never to the storage host a large file redirects to) and never written to a log or an exception message.
    /// null: HF_TOKEN, else the token file huggingface_hub's login writes ($HF_TOKEN_PATH, else $HF_HOME/token).
    /// The empty string sends no token.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// The Hub cache folder (holding models--namespace--name/...); null: HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE,
    /// else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub (huggingface_hub's order).
    /// </summary>
    public string? CacheDir { get; set; }

    /// <summary>
    /// true: never touch the network, serve from the cache or fail. null: HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE)
    /// set to 1, ON, YES or TRUE.
    /// </summary>
    public bool? Offline { get; set; }

    /// <summary>
    /// Longest wait for the server: to connect, to answer a request, and between two reads of a file's body
    /// (a stalled transfer is resumed, not restarted).
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes done and total for each file being downloaded; called on the downloading thread.</summary>
    public IProgress<HubDownloadProgress>? Progress { get; set; }

    /// <summary>Receives one line per notable event (revision resolved, file downloaded, cache used); null for silence.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Where environment variables come from; tests replace it so they never read or change the process's.</summary>
    internal Func<string, string?> EnvironmentVariables { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The user's home folder (for ~/.cache); tests replace it.</summary>
    internal string HomeFolder { get; set; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public HubDownloadOptions Clone() => (HubDownloadOptions)MemberwiseClone();
}
