using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

/// <summary>One file of a fake repository (hashes computed once). Large binaries travel as LFS files (ETag = SHA-256, redirect to storage), as on the Hub.</summary>
internal sealed class FakeFile(byte[] content, bool lfs)
{
    private readonly Lazy<string> _sha256 = new(() => Convert.ToHexStringLower(SHA256.HashData(content)));
    private readonly Lazy<string> _gitBlobId = new(() =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content])));

    public byte[] Content { get; } = content;
    public bool Lfs { get; } = lfs;

    public string Sha256 => _sha256.Value;

    /// <summary>git's blob id: SHA-1("blob &lt;size&gt;\0" + bytes).</summary>
    public string GitBlobId => _gitBlobId.Value;

    public string Etag => Lfs ? Sha256 : GitBlobId;

    public static FakeFile Text(string text) => new(Encoding.UTF8.GetBytes(text), lfs: false);
}

/// <summary>A fake repository: commits (file sets) and refs (branches and tags pointing at commits).</summary>
internal sealed class FakeRepo
{
    public Dictionary<string, Dictionary<string, FakeFile>> Commits { get; } = new();
    public Dictionary<string, string> Refs { get; } = new();

    /// <summary>Non-null: the repository is private and only this token may read it (401 otherwise).</summary>
    public string? PrivateToken { get; set; }

    /// <summary>Non-null: the repository is gated; its metadata is public, its files need this token (401 without a token, 403 with another).</summary>
    public string? GatedToken { get; set; }

    /// <summary>Adds a commit with these files under a fresh hash and points <paramref name="branch"/> at it; returns the hash.</summary>
    public string Commit(IReadOnlyDictionary<string, FakeFile> files, string branch = "main")
    {
        string sha = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{Commits.Count}:{string.Join(",", files.Keys)}:{Guid.NewGuid()}")));
        Commits[sha] = new Dictionary<string, FakeFile>(files);
        Refs[branch] = sha;
        return sha;
    }
}

/// <summary>A request the fake Hub received.</summary>
internal sealed record FakeRequest(string Method, string Path, string? Authorization, string? Range, bool Storage);

/// <summary>
/// A local imitation of the Hugging Face Hub's endpoints (HttpListener on 127.0.0.1, free ports): the revision API
/// for models and data sets, HEAD/GET /resolve/ with X-Repo-Commit, ETag, X-Linked-Etag, X-Linked-Size, redirects of
/// LFS files to a second listener standing for the storage host (another origin, so the token must not follow), Range
/// requests, and the Hub's error answers (X-Error-Code RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
/// Records every request; faults (dropped connections, corrupted bytes, forced answers) are injected per test.
/// </summary>
internal sealed class FakeHub : IDisposable
{
    private readonly HttpListener _hub;
    private readonly HttpListener _storage;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();

    public FakeHub()
    {
        (_hub, Endpoint) = Listen();
        (_storage, StorageEndpoint) = Listen();
        _ = ServeAsync(_hub, storage: false);
        _ = ServeAsync(_storage, storage: true);
    }

    public string Endpoint { get; }
    public string StorageEndpoint { get; }

    public Dictionary<string, FakeRepo> Models { get; } = new();
    public Dictionary<string, FakeRepo> Datasets { get; } = new();

    public IReadOnlyList<FakeRequest> Requests => _requests.ToArray();

    public void ClearRequests() => _requests.Clear();

    /// <summary>Storage GETs of these SHA-256s send half the bytes, then drop the connection (each entry once).</summary>
    public ConcurrentDictionary<string, int> DropHalfway { get; } = new();

    /// <summary>Storage GETs of these SHA-256s send half the bytes, then go silent without closing (each entry once).</summary>
    public ConcurrentDictionary<string, int> StallHalfway { get; } = new();

    /// <summary>How long a stalled transfer stays silent before the server drops it.</summary>
    public TimeSpan StallFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The storage host ignores Range headers and always sends whole files (as some CDNs do).</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Storage GETs of these SHA-256s send the bytes with one byte flipped.</summary>
    public ConcurrentDictionary<string, bool> Corrupt { get; } = new();

    /// <summary>Answers a request before the fake's own logic when it returns a status (tests of odd Hub answers).</summary>
    public Func<FakeRequest, HttpListenerResponse, bool>? Override { get; set; }

    /// <summary>The Hub's answer to a HEAD of a file, ETag replaced (a malicious or broken server).</summary>
    public string? ForcedEtag { get; set; }

    private static (HttpListener, string) Listen()
    {
        for (int attempt = 0; ; attempt++)
        {
            // A free port from the OS, then the listener on it (another process could take it in between: retry).
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            string prefix = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                return (listener, prefix.TrimEnd('/'));
            }
            catch (HttpListenerException) when (attempt < 10) { listener.Close(); }
        }
    }

    private async Task ServeAsync(HttpListener listener, bool storage)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => Handle(context, storage));
        }
    }

    private void Handle(HttpListenerContext context, bool storage)
    {
        var request = context.Request;
        var response = context.Response;
        string path = request.RawUrl!.Split('?')[0];
        var recorded = new FakeRequest(request.HttpMethod, path, request.Headers["Authorization"], request.Headers["Range"], storage);
        _requests.Enqueue(recorded);
        try
        {
            if (Override?.Invoke(recorded, response) == true) { response.Close(); return; }
            if (storage) ServeStorage(path, request, response);
            else ServeHub(path, request, response);
        }
        // The client went away, or the test ended and closed the listener while a stalled answer was pending.
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException) { }
    }

    private void ServeHub(string path, HttpListenerRequest request, HttpListenerResponse response)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        // /api/{models|datasets}/{ns}/{name}/revision/{revision}
        if (segments.Length == 6 && segments[0] == "api" && segments[4] == "revision")
        {
            var repos = segments[1] == "datasets" ? Datasets : Models;
            ServeRevision(repos, $"{segments[2]}/{segments[3]}", segments[5], request, response);
            return;
        }
        // [/datasets]/{ns}/{name}/resolve/{revision}/{file...}
        bool dataset = segments.Length > 0 && segments[0] == "datasets";
        var rest = dataset ? segments[1..] : segments;
        if (rest.Length >= 5 && rest[2] == "resolve")
        {
            ServeResolve(dataset ? Datasets : Models, $"{rest[0]}/{rest[1]}", rest[3], string.Join('/', rest[4..]), request, response);
            return;
        }
        Error(request, response, 404, null, "no such route");
    }

    private void ServeRevision(Dictionary<string, FakeRepo> repos, string repoId, string revision, HttpListenerRequest request, HttpListenerResponse response)
    {
        if (!repos.TryGetValue(repoId, out var repo)) { Error(request, response, Authorized(request, null) ? 404 : 401, "RepoNotFound", "Repository not found"); return; }
        if (repo.PrivateToken is { } token && !Authorized(request, token)) { Error(request, response, 401, "RepoNotFound", "Invalid username or password."); return; }
        if (Resolve(repo, revision) is not { } commit) { Error(request, response, 404, "RevisionNotFound", "Invalid rev id: " + revision); return; }
        var siblings = new JsonArray();
        foreach (var (name, file) in repo.Commits[commit].OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var sibling = new JsonObject { ["rfilename"] = name, ["size"] = file.Content.Length, ["blobId"] = file.GitBlobId };
            if (file.Lfs) sibling["lfs"] = new JsonObject { ["sha256"] = file.Sha256, ["size"] = file.Content.Length, ["pointerSize"] = 134 };
            siblings.Add(sibling);
        }
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = repoId, ["sha"] = commit, ["siblings"] = siblings }.ToJsonString());
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body);
        response.Close();
    }

    private void ServeResolve(Dictionary<string, FakeRepo> repos, string repoId, string revision, string file, HttpListenerRequest request, HttpListenerResponse response)
    {
        if (!repos.TryGetValue(repoId, out var repo)) { Error(request, response, 404, "RepoNotFound", "Repository not found"); return; }
        if (repo.PrivateToken is { } token && !Authorized(request, token)) { Error(request, response, 401, "RepoNotFound", "Invalid username or password."); return; }
        if (repo.GatedToken is { } gated && !Authorized(request, gated))
        {
            Error(request, response, request.Headers["Authorization"] is null ? 401 : 403, "GatedRepo", $"Access to model {repoId} is restricted.");
            return;
        }
        if (Resolve(repo, revision) is not { } commit) { Error(request, response, 404, "RevisionNotFound", "Invalid rev id: " + revision); return; }
        response.Headers["X-Repo-Commit"] = commit;
        if (!repo.Commits[commit].TryGetValue(file, out var content)) { Error(request, response, 404, "EntryNotFound", $"{file} does not exist"); return; }
        if (content.Lfs)
        {
            response.StatusCode = 302;
            response.RedirectLocation = $"{StorageEndpoint}/blobs/{content.Sha256}";
            response.Headers["X-Linked-Etag"] = $"\"{ForcedEtag ?? content.Sha256}\"";
            response.Headers["X-Linked-Size"] = content.Content.Length.ToString();
            response.Headers["ETag"] = "\"pointer-etag\"";
            response.ContentLength64 = 0;
            response.Close();
            return;
        }
        response.Headers["ETag"] = $"\"{ForcedEtag ?? content.GitBlobId}\"";
        SendBytes(content.Content, request, response, dropHalfway: false, corrupt: false);
    }

    private void ServeStorage(string path, HttpListenerRequest request, HttpListenerResponse response)
    {
        string sha = path.Split('/').Last();
        var file = Models.Values.Concat(Datasets.Values).SelectMany(r => r.Commits.Values).SelectMany(c => c.Values).FirstOrDefault(f => f.Lfs && f.Sha256 == sha);
        if (file is null) { Error(request, response, 404, null, "no such blob"); return; }
        bool drop = DropHalfway.TryRemove(sha, out _);
        TimeSpan? stall = StallHalfway.TryRemove(sha, out _) ? StallFor : null;
        SendBytes(file.Content, request, response, drop, Corrupt.ContainsKey(sha), stall, IgnoreRange);
    }

    private static void SendBytes(byte[] content, HttpListenerRequest request, HttpListenerResponse response, bool dropHalfway, bool corrupt,
        TimeSpan? stall = null, bool ignoreRange = false)
    {
        long from = 0;
        if (!ignoreRange && request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range["bytes=".Length..^1]);
            if (from >= content.Length) { response.StatusCode = 416; response.Headers["Content-Range"] = $"bytes */{content.Length}"; response.Close(); return; }
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}";
        }
        else response.StatusCode = 200;
        var bytes = new ArraySegment<byte>(content, (int)from, content.Length - (int)from);
        if (corrupt && bytes.Count > 0)
        {
            bytes = bytes.ToArray();
            bytes[bytes.Count / 2] ^= 0xFF;
        }
        response.ContentLength64 = bytes.Count;
        if (request.HttpMethod == "HEAD") { response.Close(); return; }
        if (dropHalfway || stall is not null)
        {
            response.OutputStream.Write(bytes.Array!, bytes.Offset, bytes.Count / 2);
            response.OutputStream.Flush();
            if (stall is { } silence) Thread.Sleep(silence);
            response.Abort();   // the connection closes with half the announced bytes sent
            return;
        }
        response.OutputStream.Write(bytes.Array!, bytes.Offset, bytes.Count);
        response.Close();
    }

    private static string? Resolve(FakeRepo repo, string revision) =>
        repo.Commits.ContainsKey(revision) ? revision : repo.Refs.GetValueOrDefault(revision);

    private static bool Authorized(HttpListenerRequest request, string? token) =>
        request.Headers["Authorization"] is { } header && (token is null || header == $"Bearer {token}");

    private static void Error(HttpListenerRequest request, HttpListenerResponse response, int status, string? code, string message)
    {
        response.StatusCode = status;
        if (code is not null) response.Headers["X-Error-Code"] = code;
        response.Headers["X-Error-Message"] = message;
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["error"] = message }.ToJsonString());
        response.ContentLength64 = body.Length;
        if (request.HttpMethod != "HEAD") response.OutputStream.Write(body);
        response.Close();
    }

    public void Dispose()
    {
        _hub.Close();
        _storage.Close();
    }
}
