using System.Net;
using System.Net.Sockets;
using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

/// <summary>Each failure the Hub client names, and what it refuses to write or send.</summary>
public sealed partial class HubModelDownloaderTests
{
    [TestMethod]
    public void APrivateRepositoryWithoutAValidTokenFailsWith401AndTheTokenNeverShows()
    {
        var (hub, repo, _) = SmallHub();
        using (hub)
        {
            repo.PrivateToken = "hf_the_right_one";
            var log = new List<string>();
            var options = FakeRepos.Options(hub, Fixtures.NewTempDir());
            var e = Fails(() => HubModelDownloader.Download(SmallId, options));
            Assert.AreEqual(HubErrorKind.Unauthorized, e.Kind);
            Assert.AreEqual(401, e.StatusCode);
            NamesRepoAndRevision(e, SmallId, "main");
            StringAssert.Contains(e.Message, "HF_TOKEN");
            StringAssert.Contains(e.Message, "No token was sent");

            options = FakeRepos.Options(hub, Fixtures.NewTempDir(), token: Secret);
            options.Log = log.Add;
            e = Fails(() => HubModelDownloader.Download(SmallId, options));
            Assert.AreEqual(HubErrorKind.Unauthorized, e.Kind);
            StringAssert.Contains(e.Message, "A token was sent");
            Assert.DoesNotContain(Secret, e.ToString());
            Assert.IsFalse(log.Any(l => l.Contains(Secret, StringComparison.Ordinal)));
        }
    }

    [TestMethod]
    public void AGatedRepositoryAsksToAcceptTheLicenceAndA403SaysTheTokenLacksAccess()
    {
        var (hub, repo, _) = SmallHub();
        using (hub)
        {
            repo.GatedToken = "hf_granted";
            var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir(), token: Secret)));
            Assert.AreEqual(HubErrorKind.Gated, e.Kind);
            Assert.AreEqual(403, e.StatusCode);
            NamesRepoAndRevision(e, SmallId, "main");
            StringAssert.Contains(e.Message, "licence");
            StringAssert.Contains(e.Message, $"{hub.Endpoint}/{SmallId}");
            Assert.DoesNotContain(Secret, e.ToString());

            repo.GatedToken = null;
            hub.Override = (request, response) =>
            {
                if (!request.Path.Contains("/resolve/")) return false;
                response.StatusCode = 403;
                return true;
            };
            e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir(), token: Secret)));
            Assert.AreEqual(HubErrorKind.Forbidden, e.Kind);
            StringAssert.Contains(e.Message, "403");
            Assert.IsNotNull(e.FileName);
        }
    }

    [TestMethod]
    public void AMissingRepositoryRevisionOrFileEachSaySo()
    {
        var (hub, _, _) = SmallHub();
        using (hub)
        {
            var e = Fails(() => HubModelDownloader.Download("team/nothing-here", FakeRepos.Options(hub, Fixtures.NewTempDir(), token: Secret)));
            Assert.AreEqual(HubErrorKind.RepositoryNotFound, e.Kind);
            Assert.AreEqual(404, e.StatusCode);
            NamesRepoAndRevision(e, "team/nothing-here", "main");

            e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir(), revision: "v9")));
            Assert.AreEqual(HubErrorKind.RevisionNotFound, e.Kind);
            NamesRepoAndRevision(e, SmallId, "v9");
            StringAssert.Contains(e.Message, "no branch, tag or commit 'v9'");

            // The listing has the file but /resolve/ does not (a Hub inconsistency): the file is named.
            hub.Override = (request, response) =>
            {
                if (!request.Path.EndsWith("/1_Pooling/config.json", StringComparison.Ordinal)) return false;
                response.StatusCode = 404;
                response.Headers["X-Error-Code"] = "EntryNotFound";
                return true;
            };
            e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir())));
            Assert.AreEqual(HubErrorKind.FileNotFound, e.Kind);
            Assert.AreEqual("1_Pooling/config.json", e.FileName);
            StringAssert.Contains(e.Message, "'1_Pooling/config.json'");
        }
    }

    [TestMethod]
    public void ARepositoryWithoutReadableWeightsIsRefusedNamingWhatItHas()
    {
        var files = FakeRepos.Small();
        files.Remove("model.safetensors");
        files.Remove("2_Dense/model.safetensors");
        files.Remove("2_Dense/pytorch_model.bin");
        var (hub, _, _) = SmallHub(files);
        using (hub)
        {
            var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir())));
            Assert.AreEqual(HubErrorKind.InvalidRepository, e.Kind);
            StringAssert.Contains(e.Message, "onnx/model.onnx");
        }
    }

    [TestMethod]
    public void AnUnreachableEndpointFailsClearlyAndFallsBackToACompleteCache()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }
        var (hub, _, _) = SmallHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            var options = FakeRepos.Options(hub, cache);
            options.Endpoint = $"http://127.0.0.1:{closedPort}";
            var e = Fails(() => HubModelDownloader.Download(SmallId, options));
            Assert.AreEqual(HubErrorKind.Unreachable, e.Kind);
            Assert.IsInstanceOfType<HttpRequestException>(e.InnerException);
            NamesRepoAndRevision(e, SmallId, "main");
            StringAssert.Contains(e.Message, $"127.0.0.1:{closedPort}");
            StringAssert.Contains(e.Message, "HF_HUB_OFFLINE=1");

            string online = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
            var log = new List<string>();
            options.Log = log.Add;
            Assert.AreEqual(online, HubModelDownloader.Download(SmallId, options));
            Assert.IsTrue(log.Any(l => l.Contains("could not be asked", StringComparison.Ordinal)), string.Join("\n", log));
        }
    }

    [TestMethod]
    [DataRow("../outside")]
    [DataRow("/tmp/absolute")]
    [DataRow("1_Pooling/../../..")]
    [DataRow("a\\..\\b")]
    public void AModulePathThatLeavesTheRepositoryIsRefused(string path)
    {
        var files = FakeRepos.Small();
        files["modules.json"] = FakeFile.Text($$"""[{"idx":0,"name":"0","path":"","type":"x.Transformer"},{"idx":1,"name":"evil","path":{{System.Text.Json.JsonSerializer.Serialize(path)}},"type":"x.Pooling"}]""");
        var (hub, _, _) = SmallHub(files);
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache)));
            Assert.AreEqual(HubErrorKind.InvalidRepository, e.Kind);
            Assert.AreEqual("modules.json", e.FileName);
            StringAssert.Contains(e.Message, "evil");
            NamesRepoAndRevision(e, SmallId, "main");
        }
    }

    [TestMethod]
    [DataRow("1_Pooling/../../../../escaped.json")]
    [DataRow("1_Pooling//etc/passwd")]
    public void AFileNameThatLeavesTheCacheIsRefusedBeforeAnyRequestForIt(string name)
    {
        var files = FakeRepos.Small();
        files[name] = FakeFile.Text("{}");
        var (hub, _, _) = SmallHub(files);
        using (hub)
        {
            string root = Fixtures.NewTempDir();
            string cache = Path.Combine(root, "a", "b", "cache");
            var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache)));
            Assert.AreEqual(HubErrorKind.InvalidRepository, e.Kind);
            Assert.AreEqual(name, e.FileName);
            StringAssert.Contains(e.Message, "outside the cache");
            Assert.IsFalse(hub.Requests.Any(r => Uri.UnescapeDataString(r.Path).Contains("escaped") || Uri.UnescapeDataString(r.Path).Contains("passwd")));
            Assert.IsFalse(Directory.EnumerateFiles(root, "escaped.json", SearchOption.AllDirectories).Any());
        }
    }

    [TestMethod]
    public void AnEtagThatIsNotAHashIsRefused()
    {
        var (hub, _, _) = SmallHub();
        using (hub)
        {
            hub.ForcedEtag = "../../../../x";
            var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir())));
            Assert.AreEqual(HubErrorKind.InvalidRepository, e.Kind);
            StringAssert.Contains(e.Message, "ETag");
        }
    }

    [TestMethod]
    public void TheTokenGoesAsABearerToTheEndpointOnlyAndIsNeverLogged()
    {
        var (hub, repo, _) = SmallHub();
        using (hub)
        {
            repo.PrivateToken = Secret;
            var log = new List<string>();
            var options = FakeRepos.Options(hub, Fixtures.NewTempDir(), token: Secret);
            options.Log = log.Add;
            HubModelDownloader.Download(SmallId, options);

            var requests = hub.Requests;
            Assert.IsTrue(requests.Any(r => r.Storage), "LFS files go through the storage host");
            Assert.IsTrue(requests.Where(r => !r.Storage).All(r => r.Authorization == $"Bearer {Secret}"));
            Assert.IsTrue(requests.Where(r => r.Storage).All(r => r.Authorization is null), "the token must not follow a redirect to another origin");
            Assert.IsNotEmpty(log);
            Assert.IsFalse(log.Any(l => l.Contains(Secret, StringComparison.Ordinal)));

            // HF_TOKEN is read when the options leave the token unset.
            hub.ClearRequests();
            var fromEnvironment = FakeRepos.Options(hub, Fixtures.NewTempDir());
            fromEnvironment.Token = null;
            fromEnvironment.EnvironmentVariables = name => name == "HF_TOKEN" ? Secret : null;
            HubModelDownloader.Download(SmallId, fromEnvironment);
            Assert.IsTrue(hub.Requests.Where(r => !r.Storage).All(r => r.Authorization == $"Bearer {Secret}"));
        }
    }

    [TestMethod]
    public void ABadIdOrRevisionFailsBeforeAnyRequest()
    {
        using var hub = new FakeHub();
        string cache = Fixtures.NewTempDir();
        Assert.ThrowsExactly<ArgumentException>(() => HubModelDownloader.Download("../etc", FakeRepos.Options(hub, cache)));
        Assert.ThrowsExactly<ArgumentException>(() => HubModelDownloader.Download("a--b/c", FakeRepos.Options(hub, cache)));
        Assert.ThrowsExactly<ArgumentException>(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, revision: "../../x")));
        Assert.IsEmpty(hub.Requests);
    }
}
