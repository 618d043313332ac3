using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>One file of a repository as the revision call lists it (size, git blob id and LFS SHA-256 when the Hub gives them).</summary>
internal sealed record HubRepoFile(string Path, long? Size, string? BlobId, string? LfsSha256);

/// <summary>The commit a revision points to, and every file of the repository at that commit.</summary>
internal sealed record HubRevisionInfo(string Commit, IReadOnlyDictionary<string, HubRepoFile> Files);

/// <summary>Where a file's bytes are and what they must be: the answer of HEAD /resolve/.</summary>
internal sealed record HubFileMetadata(string Etag, long Size, Uri Location, string? Commit);

/// <summary>
/// The Hub's HTTP protocol, as huggingface_hub speaks it (file_download.py, hf_api.py):
/// <list type="bullet">
/// <item><c>GET {endpoint}/api/{models|datasets}/{id}/revision/{revision}?blobs=true</c>: the commit ("sha") and the
/// file list ("siblings": rfilename, size, blobId, lfs.sha256).</item>
/// <item><c>HEAD {endpoint}/[datasets/]{id}/resolve/{commit}/{file}</c>: X-Repo-Commit, the ETag (X-Linked-Etag for
/// LFS files: their SHA-256), the size (X-Linked-Size, else Content-Length) and, for LFS files, a redirect to the
/// storage host. Relative redirects (renamed repositories) are followed; absolute ones are where the bytes are.</item>
/// <item><c>GET</c> of that location, with <c>Range: bytes=N-</c> to resume.</item>
/// </list>
/// The bearer token goes only to the endpoint's own origin, never to the storage host (its URLs are signed).
/// Errors are mapped from the status and the Hub's X-Error-Code header (RepoNotFound, RevisionNotFound,
/// EntryNotFound, GatedRepo).
/// </summary>
internal sealed class HubClient(HubDownloadContext context)
{
    private const int MaxRedirects = 10;

    // One client for the process (sockets are pooled); redirects are followed by hand so the token is dropped when
    // leaving the endpoint, and compression is off so Content-Length is the file's size. Proxies come from the
    // usual HTTP(S)_PROXY variables (HttpClient.DefaultProxy).
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private static readonly ProductInfoHeaderValue UserAgent = new(
        "MLNet.SentenceEmbeddings", typeof(HubClient).Assembly.GetName().Version?.ToString() ?? "0");

    private HubSettings Settings => context.Settings;

    public async Task<HubRevisionInfo> GetRevisionInfoAsync(CancellationToken ct)
    {
        var uri = new Uri($"{Endpoint}/api/{context.Type.PluralName()}/{context.RepoId}/revision/{Uri.EscapeDataString(context.Revision)}?blobs=true");
        using var response = await SendFollowingAsync(HttpMethod.Get, uri, followAbsolute: false, rangeFrom: 0, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw ErrorFrom(response, file: null);
        string body;
        using (var timeout = Timeout(ct))
        {
            try { body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new TimeoutException($"no answer within {Settings.Timeout.TotalSeconds:0} s"); }
        }
        return ParseRevisionInfo(body);
    }

    internal HubRevisionInfo ParseRevisionInfo(string body)
    {
        JsonObject root;
        try { root = JsonNode.Parse(body)?.AsObject() ?? throw new JsonException("empty answer"); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw context.Error(HubErrorKind.InvalidRepository, null, 200, $"the revision call answered something that is not JSON ({e.Message}); check that {Endpoint} is a Hugging Face Hub", e); }
        string? sha = (root["sha"] as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null;
        if (sha is null || !HubNames.IsCommitHash(sha))
            throw context.Error(HubErrorKind.InvalidRepository, null, 200, $"the revision call gave no commit hash (\"sha\": {root["sha"]?.ToJsonString() ?? "missing"}); check that {Endpoint} is a Hugging Face Hub");
        var files = new Dictionary<string, HubRepoFile>(StringComparer.Ordinal);
        if (root["siblings"] is JsonArray siblings)
        {
            foreach (var sibling in siblings.OfType<JsonObject>())
            {
                if ((sibling["rfilename"] as JsonValue)?.TryGetValue<string>(out var name) != true || name is null) continue;
                var lfs = sibling["lfs"] as JsonObject;
                files[name] = new HubRepoFile(name,
                    (lfs?["size"] ?? sibling["size"]) is JsonValue size && size.TryGetValue<long>(out var n) ? n : null,
                    (sibling["blobId"] as JsonValue)?.TryGetValue<string>(out var blob) == true ? blob : null,
                    (lfs?["sha256"] as JsonValue)?.TryGetValue<string>(out var sha256) == true ? sha256?.ToLowerInvariant() : null);
            }
        }
        return new HubRevisionInfo(sha, files);
    }

    /// <summary>HEAD /resolve/{commit}/{file}: where the bytes are, their ETag and size.</summary>
    public async Task<HubFileMetadata> GetFileMetadataAsync(string commit, string file, CancellationToken ct)
    {
        var uri = ResolveUri(commit, file);
        using var response = await SendFollowingAsync(HttpMethod.Head, uri, followAbsolute: false, rangeFrom: 0, ct).ConfigureAwait(false);
        bool redirect = IsRedirect(response.StatusCode);
        if (!response.IsSuccessStatusCode && !redirect) throw ErrorFrom(response, file);
        string? etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? response.Headers.ETag?.Tag ?? Header(response, "ETag"));
        if (etag is null || !HubNames.IsSafeEtag(etag))
            throw context.Error(HubErrorKind.InvalidRepository, file, (int)response.StatusCode,
                etag is null ? "the Hub gave no ETag for the file, so it cannot be cached reliably"
                             : $"the Hub's ETag '{Shorten(etag)}' is not a hash and cannot name a cache file");
        long? size = long.TryParse(Header(response, "X-Linked-Size"), out long linked) ? linked
                   : redirect ? null : response.Content.Headers.ContentLength;
        if (size is null or < 0)
            throw context.Error(HubErrorKind.InvalidRepository, file, (int)response.StatusCode, "the Hub gave no size for the file (X-Linked-Size or Content-Length)");
        var location = redirect ? new Uri(response.RequestMessage!.RequestUri!, response.Headers.Location!) : response.RequestMessage!.RequestUri!;
        return new HubFileMetadata(etag, size.Value, location, Header(response, "X-Repo-Commit"));
    }

    /// <summary>
    /// GET of a file's bytes from <paramref name="offset"/> on, following every redirect. Returns 200, 206 or 416
    /// responses (the caller handles Range outcomes) and throws on any other status.
    /// </summary>
    public async Task<HttpResponseMessage> GetFileAsync(Uri location, long offset, string file, CancellationToken ct)
    {
        var response = await SendFollowingAsync(HttpMethod.Get, location, followAbsolute: true, offset, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) return response;
        using (response) throw ErrorFrom(response, file);
    }

    /// <summary>A token that cancels after <see cref="HubSettings.Timeout"/> or with <paramref name="ct"/>.</summary>
    public CancellationTokenSource Timeout(CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(Settings.Timeout);
        return source;
    }

    private string Endpoint => Settings.Endpoint.AbsoluteUri.TrimEnd('/');

    private Uri ResolveUri(string commit, string file) =>
        new($"{Endpoint}/{context.Type.ResolvePrefix()}{context.RepoId}/resolve/{Uri.EscapeDataString(commit)}/" +
            string.Join('/', file.Split('/').Select(Uri.EscapeDataString)));

    private async Task<HttpResponseMessage> SendFollowingAsync(HttpMethod method, Uri uri, bool followAbsolute, long rangeFrom, CancellationToken ct)
    {
        for (int hop = 0; ; hop++)
        {
            var response = await SendAsync(method, uri, rangeFrom, ct).ConfigureAwait(false);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location) return response;
            if (location.IsAbsoluteUri && !followAbsolute) return response;
            if (hop == MaxRedirects)
            {
                response.Dispose();
                throw context.Error(HubErrorKind.InvalidRepository, null, (int)response.StatusCode, $"more than {MaxRedirects} redirects from {uri.GetLeftPart(UriPartial.Path)}");
            }
            uri = new Uri(uri, location);
            response.Dispose();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long rangeFrom, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.UserAgent.Add(UserAgent);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (Settings.Token is { } token && SameOrigin(uri, Settings.Endpoint))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (rangeFrom > 0) request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
        using var timeout = Timeout(ct);
        try
        {
            return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer from {uri.GetLeftPart(UriPartial.Authority)} within {Settings.Timeout.TotalSeconds:0} s");
        }
    }

    private HubDownloadException ErrorFrom(HttpResponseMessage response, string? file)
    {
        int status = (int)response.StatusCode;
        string? code = Header(response, "X-Error-Code");
        string? said = Header(response, "X-Error-Message");
        var kind = code switch
        {
            "RevisionNotFound" => HubErrorKind.RevisionNotFound,
            "EntryNotFound" => HubErrorKind.FileNotFound,
            "GatedRepo" => HubErrorKind.Gated,
            "RepoNotFound" when status != 401 => HubErrorKind.RepositoryNotFound,
            _ => status switch
            {
                401 => HubErrorKind.Unauthorized,
                403 => HubErrorKind.Forbidden,
                // The revision call already found the repository, so a 404 on a file is about the file.
                404 => file is null ? HubErrorKind.RepositoryNotFound : HubErrorKind.FileNotFound,
                _ => HubErrorKind.ServerError,
            },
        };
        string detail = kind == HubErrorKind.FileNotFound
            ? $"not in the repository at this revision (HTTP {status})"
            : said is null ? $"HTTP {status}" : $"HTTP {status}, the Hub says: {Shorten(said)}";
        return context.Error(kind, file, status, detail);
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault() : null;

    /// <summary>huggingface_hub's _normalize_etag: drop a weak "W/" prefix and the quotes.</summary>
    internal static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        return etag.Trim('"');
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
