namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// <see cref="HubDownloadOptions"/> with every default filled in from the environment, the way huggingface_hub's
/// constants.py reads it (same variables, same order), so both libraries resolve to the same endpoint and cache.
/// </summary>
internal sealed class HubSettings
{
    public required string Revision { get; init; }
    public required Uri Endpoint { get; init; }
    public required string? Token { get; init; }
    public required string CacheDir { get; init; }
    public required bool Offline { get; init; }
    public required TimeSpan Timeout { get; init; }
    public IProgress<HubDownloadProgress>? Progress { get; init; }
    public Action<string>? Log { get; init; }

    public static HubSettings Resolve(HubDownloadOptions? options)
    {
        options ??= new HubDownloadOptions();
        var env = options.EnvironmentVariables;
        if (options.Timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "HubDownloadOptions.Timeout must be positive.");
        string revision = options.Revision;
        if (string.IsNullOrWhiteSpace(revision))
            throw new ArgumentException("HubDownloadOptions.Revision must be a branch, tag or commit (default \"main\").", nameof(options));
        return new HubSettings
        {
            Revision = revision,
            Endpoint = ParseEndpoint(options.Endpoint ?? NonEmpty(env("HF_ENDPOINT")) ?? HubDownloadOptions.DefaultEndpoint,
                options.Endpoint is null ? "HF_ENDPOINT" : "HubDownloadOptions.Endpoint"),
            Token = ResolveToken(options.Token, env, options.HomeFolder),
            CacheDir = options.CacheDir is { } dir ? ExpandHome(dir, options.HomeFolder) : DefaultCacheDir(env, options.HomeFolder),
            Offline = options.Offline ?? (IsTrue(env("HF_HUB_OFFLINE")) || IsTrue(env("TRANSFORMERS_OFFLINE"))),
            Timeout = options.Timeout,
            Progress = options.Progress,
            Log = options.Log,
        };
    }

    /// <summary>HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.</summary>
    internal static string DefaultCacheDir(Func<string, string?> env, string home)
    {
        if ((NonEmpty(env("HF_HUB_CACHE")) ?? NonEmpty(env("HUGGINGFACE_HUB_CACHE"))) is { } hubCache) return ExpandHome(hubCache, home);
        return Path.Combine(HfHome(env, home), "hub");
    }

    private static string HfHome(Func<string, string?> env, string home) =>
        NonEmpty(env("HF_HOME")) is { } hfHome
            ? ExpandHome(hfHome, home)
            : Path.Combine(NonEmpty(env("XDG_CACHE_HOME")) is { } xdg ? ExpandHome(xdg, home) : Path.Combine(home, ".cache"), "huggingface");

    /// <summary>The explicit token ("" = none), else HF_TOKEN (or the legacy HUGGING_FACE_HUB_TOKEN), else the login token file.</summary>
    private static string? ResolveToken(string? explicitToken, Func<string, string?> env, string home)
    {
        if (explicitToken is not null) return NonEmpty(explicitToken.Trim());
        if ((NonEmpty(env("HF_TOKEN")) ?? NonEmpty(env("HUGGING_FACE_HUB_TOKEN"))) is { } fromEnv) return fromEnv.Trim();
        string tokenPath = NonEmpty(env("HF_TOKEN_PATH")) is { } p ? ExpandHome(p, home) : Path.Combine(HfHome(env, home), "token");
        try { return File.Exists(tokenPath) ? NonEmpty(File.ReadAllText(tokenPath).Trim()) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static Uri ParseEndpoint(string value, string source)
    {
        if (!Uri.TryCreate(value.TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"{source} '{value}' is not an http(s) address such as {HubDownloadOptions.DefaultEndpoint}.");
        return uri;
    }

    /// <summary>huggingface_hub's _is_true: 1, ON, YES, TRUE in any case.</summary>
    internal static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string ExpandHome(string path, string home) =>
        path == "~" ? home
        : path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal) ? Path.Combine(home, path[2..])
        : path;
}
