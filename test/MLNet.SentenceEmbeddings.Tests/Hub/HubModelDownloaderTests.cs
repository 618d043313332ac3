using MLNet.SentenceEmbeddings.Hub;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

/// <summary>Downloads, caching, revisions, resuming and checks; failures and safety are in HubModelDownloaderTests.Errors.cs.</summary>
[TestClass]
public sealed partial class HubModelDownloaderTests
{
    private const string Id = "sentence-transformers/all-MiniLM-L6-v2";
    private const string SmallId = "team/small";
    private const string Secret = "hf_FAKEsecret0123456789";

    private static string[] SnapshotFiles(string snapshot) =>
        Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(snapshot, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal).ToArray();

    private static (FakeHub Hub, FakeRepo Repo, string Commit) SmallHub(Dictionary<string, FakeFile>? files = null)
    {
        var hub = new FakeHub();
        var repo = new FakeRepo();
        string commit = repo.Commit(files ?? FakeRepos.Small());
        hub.Models[SmallId] = repo;
        return (hub, repo, commit);
    }

    private static HubDownloadException Fails(Action action)
    {
        try { action(); }
        catch (HubDownloadException e) { return e; }
        Assert.Fail("expected a HubDownloadException");
        return null!;
    }

    private static void NamesRepoAndRevision(HubDownloadException e, string repoId, string revision)
    {
        StringAssert.Contains(e.Message, $"'{repoId}'");
        StringAssert.Contains(e.Message, $"revision '{revision}'");
        Assert.AreEqual(repoId, e.RepoId);
        Assert.AreEqual(revision, e.Revision);
    }

    [TestMethod]
    public void FirstLoadDownloadsOnlyWhatTheModuleListNeedsInTheHubLayoutAndTheModelLoads()
    {
        using var hub = new FakeHub();
        var repo = new FakeRepo();
        string commit = repo.Commit(FakeRepos.MiniLm());
        hub.Models[Id] = repo;
        string cache = Fixtures.NewTempDir();
        var progress = new List<HubDownloadProgress>();
        var options = FakeRepos.Options(hub, cache);
        options.Progress = new SynchronousProgress<HubDownloadProgress>(progress.Add);

        string snapshot = HubModelDownloader.Download(Id, options);

        string repoFolder = Path.Combine(cache, "models--sentence-transformers--all-MiniLM-L6-v2");
        Assert.AreEqual(Path.Combine(repoFolder, "snapshots", commit), snapshot);
        CollectionAssert.AreEqual(FakeRepos.MiniLmWanted().ToArray(), SnapshotFiles(snapshot));
        Assert.AreEqual(commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "main")));
        // Snapshot entries are relative links to blobs named by the ETag: SHA-256 for LFS files, git blob id otherwise.
        var weights = repo.Commits[commit]["model.safetensors"];
        var link = new FileInfo(Path.Combine(snapshot, "model.safetensors"));
        Assert.AreEqual($"../../blobs/{weights.Sha256}", link.LinkTarget);
        Assert.AreEqual($"../../../blobs/{repo.Commits[commit]["1_Pooling/config.json"].GitBlobId}",
            new FileInfo(Path.Combine(snapshot, "1_Pooling", "config.json")).LinkTarget);
        Assert.IsFalse(Directory.EnumerateFiles(Path.Combine(repoFolder, "blobs"), "*.incomplete").Any());
        // Nothing unwanted was even asked for.
        foreach (string unwanted in FakeRepos.Unwanted)
            Assert.IsFalse(hub.Requests.Any(r => r.Path.EndsWith("/" + unwanted, StringComparison.Ordinal)), unwanted);
        var last = progress.Last(p => p.FileName == "model.safetensors");
        Assert.AreEqual(weights.Content.Length, last.TotalBytes);
        Assert.AreEqual(last.TotalBytes, last.BytesDone);

        using var loaded = SentenceEncoder.Load(snapshot);
        var sentences = new string?[] { "A man is playing a guitar.", "Two dogs run in the snow." };
        var expected = Fixtures.MiniLm.Encode(sentences);
        var actual = loaded.Encode(sentences);
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i]);
    }

    [TestMethod]
    public void ModulesJsonComesFirstAndEachModuleFolderGetsOneWeightsFormat()
    {
        var (hub, _, _) = SmallHub();
        using (hub)
        {
            string snapshot = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir()));
            CollectionAssert.AreEqual(FakeRepos.SmallWanted, SnapshotFiles(snapshot));
            var fileRequests = hub.Requests.Where(r => r.Path.Contains("/resolve/")).ToList();
            StringAssert.EndsWith(fileRequests[0].Path, "/modules.json");
        }
    }

    [TestMethod]
    public void SecondLoadOfABranchMakesOnlyTheRevisionCallAndOfACommitNone()
    {
        var (hub, _, commit) = SmallHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            string first = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
            Assert.IsTrue(hub.Requests.Count > 8);

            hub.ClearRequests();
            Assert.AreEqual(first, HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache)));
            var again = hub.Requests;
            Assert.HasCount(1, again);
            StringAssert.StartsWith(again[0].Path, $"/api/models/{SmallId}/revision/main");

            hub.ClearRequests();
            Assert.AreEqual(first, HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, revision: commit)));
            Assert.IsEmpty(hub.Requests);
        }
    }

    [TestMethod]
    public void RevisionsPinCommitsAndABranchFollowsItsNewCommit()
    {
        using var hub = new FakeHub();
        var repo = new FakeRepo();
        string v1 = repo.Commit(FakeRepos.Small(seed: 1));
        repo.Refs["v1.0"] = v1;
        string v2 = repo.Commit(FakeRepos.Small(seed: 2));
        hub.Models[SmallId] = repo;
        string cache = Fixtures.NewTempDir();
        string ConfigOf(string snapshot) => File.ReadAllText(Path.Combine(snapshot, "config.json"));

        string main = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
        string pinned = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, revision: v1));
        string tag = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, revision: "v1.0"));

        StringAssert.EndsWith(main, v2);
        StringAssert.EndsWith(pinned, v1);
        Assert.AreEqual(pinned, tag);
        StringAssert.Contains(ConfigOf(main), "\"seed\":2");
        StringAssert.Contains(ConfigOf(pinned), "\"seed\":1");
        string refs = Path.Combine(cache, "models--team--small", "refs");
        Assert.AreEqual(v2, File.ReadAllText(Path.Combine(refs, "main")));
        Assert.AreEqual(v1, File.ReadAllText(Path.Combine(refs, "v1.0")));
        // A commit is not a ref.
        Assert.IsFalse(File.Exists(Path.Combine(refs, v1)));

        // main moves: the next load follows it and updates refs/main.
        string v3 = repo.Commit(FakeRepos.Small(seed: 3));
        string moved = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
        StringAssert.EndsWith(moved, v3);
        Assert.AreEqual(v3, File.ReadAllText(Path.Combine(refs, "main")));
    }

    [TestMethod]
    public void AnInterruptedTransferResumesWithARangeRequest()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            var weights = repo.Commits[commit]["model.safetensors"];
            hub.DropHalfway[weights.Sha256] = 1;
            var log = new List<string>();
            var options = FakeRepos.Options(hub, Fixtures.NewTempDir());
            options.Log = log.Add;

            string snapshot = HubModelDownloader.Download(SmallId, options);

            var gets = hub.Requests.Where(r => r.Storage && r.Path.EndsWith(weights.Sha256, StringComparison.Ordinal)).ToList();
            Assert.HasCount(2, gets);
            Assert.IsNull(gets[0].Range);
            // The resumed request starts where the received bytes end (at most the half the server sent).
            StringAssert.StartsWith(gets[1].Range, "bytes=");
            long resumedAt = long.Parse(gets[1].Range!["bytes=".Length..^1]);
            Assert.IsTrue(resumedAt > 0 && resumedAt <= weights.Content.Length / 2, gets[1].Range);
            CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
            Assert.IsTrue(log.Any(l => l.Contains("resuming at byte", StringComparison.Ordinal)), string.Join("\n", log));
        }
    }

    [TestMethod]
    public void APartialFileLeftByAnEarlierProcessIsResumedAndAStaleOneReplaced()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            var weights = repo.Commits[commit]["model.safetensors"];
            string cache = Fixtures.NewTempDir();
            string blobs = Path.Combine(cache, "models--team--small", "blobs");
            Directory.CreateDirectory(blobs);
            int kept = weights.Content.Length / 3;
            File.WriteAllBytes(Path.Combine(blobs, weights.Sha256 + ".incomplete"), weights.Content[..kept]);

            string snapshot = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
            var get = hub.Requests.Single(r => r.Storage && r.Path.EndsWith(weights.Sha256, StringComparison.Ordinal));
            Assert.AreEqual($"bytes={kept}-", get.Range);
            CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));

            // A partial file with wrong bytes fails the check once resumed, and is downloaded again whole.
            string cache2 = Fixtures.NewTempDir();
            string blobs2 = Path.Combine(cache2, "models--team--small", "blobs");
            Directory.CreateDirectory(blobs2);
            File.WriteAllBytes(Path.Combine(blobs2, weights.Sha256 + ".incomplete"), new byte[kept]);
            hub.ClearRequests();
            snapshot = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache2));
            CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
            var ranges = hub.Requests.Where(r => r.Storage && r.Path.EndsWith(weights.Sha256, StringComparison.Ordinal)).Select(r => r.Range).ToList();
            CollectionAssert.AreEqual(new[] { $"bytes={kept}-", null }, ranges);
        }
    }

    [TestMethod]
    public void AStalledTransferTimesOutAndResumes()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            var weights = repo.Commits[commit]["model.safetensors"];
            hub.StallHalfway[weights.Sha256] = 1;
            var options = FakeRepos.Options(hub, Fixtures.NewTempDir());
            // Below the fake's 5 s of silence, yet long enough that the first answer's headers and half its bytes
            // arrive on a loaded 2-core CI machine: at 1 s the first request once timed out before any byte came,
            // and the retry, rightly, started from byte 0.
            options.Timeout = TimeSpan.FromSeconds(3);

            string snapshot = HubModelDownloader.Download(SmallId, options);

            var gets = hub.Requests.Where(r => r.Storage && r.Path.EndsWith(weights.Sha256, StringComparison.Ordinal)).ToList();
            Assert.HasCount(2, gets);
            StringAssert.StartsWith(gets[1].Range, "bytes=", "the second request resumes after the bytes the stalled one delivered");
            CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        }
    }

    [TestMethod]
    public void AServerThatIgnoresRangeIsReadFromTheStart()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            var weights = repo.Commits[commit]["model.safetensors"];
            string cache = Fixtures.NewTempDir();
            string blobs = Path.Combine(cache, "models--team--small", "blobs");
            Directory.CreateDirectory(blobs);
            File.WriteAllBytes(Path.Combine(blobs, weights.Sha256 + ".incomplete"), weights.Content[..1000]);
            hub.IgnoreRange = true;

            string snapshot = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));

            Assert.AreEqual("bytes=1000-", hub.Requests.Single(r => r.Storage && r.Path.EndsWith(weights.Sha256, StringComparison.Ordinal)).Range);
            CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        }
    }

    [TestMethod]
    public void APartialFileHeldByAnotherDownloadIsLeftAloneAndAPrivateCopyIsUsed()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            var weights = repo.Commits[commit]["model.safetensors"];
            string cache = Fixtures.NewTempDir();
            string blobs = Path.Combine(cache, "models--team--small", "blobs");
            Directory.CreateDirectory(blobs);
            string shared = Path.Combine(blobs, weights.Sha256 + ".incomplete");
            using (var other = new FileStream(shared, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                other.Write(new byte[123]);
                other.Flush();

                string snapshot = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));

                CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
                Assert.AreEqual(123, other.Length);
                Assert.IsNull(hub.Requests.Single(r => r.Storage && r.Path.EndsWith(weights.Sha256, StringComparison.Ordinal)).Range);
            }
            CollectionAssert.AreEqual(new[] { shared }, Directory.GetFiles(blobs, "*.incomplete"));
        }
    }

    [TestMethod]
    public void ACorruptedBlobIsDetectedAndNothingIsCached()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            var weights = repo.Commits[commit]["model.safetensors"];
            hub.Corrupt[weights.Sha256] = true;
            string cache = Fixtures.NewTempDir();

            var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache)));

            Assert.AreEqual(HubErrorKind.Corrupted, e.Kind);
            Assert.AreEqual("model.safetensors", e.FileName);
            NamesRepoAndRevision(e, SmallId, "main");
            StringAssert.Contains(e.Message, weights.Sha256);
            string blobs = Path.Combine(cache, "models--team--small", "blobs");
            Assert.IsFalse(File.Exists(Path.Combine(blobs, weights.Sha256)));
            Assert.IsFalse(File.Exists(Path.Combine(blobs, weights.Sha256 + ".incomplete")));
            Assert.IsFalse(File.Exists(Path.Combine(cache, "models--team--small", "snapshots", commit, "model.safetensors")));

            // The next call, with the server healed, completes.
            hub.Corrupt.Clear();
            string snapshot = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
            CollectionAssert.AreEqual(weights.Content, File.ReadAllBytes(Path.Combine(snapshot, "model.safetensors")));
        }
    }

    [TestMethod]
    public void OfflineServesTheCacheWithoutAnyRequest()
    {
        var (hub, _, commit) = SmallHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            string online = HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache));
            hub.ClearRequests();

            Assert.AreEqual(online, HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, offline: true)));
            Assert.AreEqual(online, HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, revision: commit, offline: true)));
            // HF_HUB_OFFLINE=1, read through the options' environment (the process's is left alone).
            var fromEnvironment = FakeRepos.Options(hub, cache);
            fromEnvironment.Offline = null;
            fromEnvironment.EnvironmentVariables = name => name == "HF_HUB_OFFLINE" ? "1" : null;
            Assert.AreEqual(online, HubModelDownloader.Download(SmallId, fromEnvironment));
            Assert.IsEmpty(hub.Requests);
        }
    }

    [TestMethod]
    public void OfflineAcceptsASnapshotThatPythonFilled()
    {
        using var hub = new FakeHub();
        string cache = Fixtures.NewTempDir();
        // What huggingface_hub leaves: refs/main, snapshots/<commit>/ with files, no record of ours.
        string commit = new string('a', 40);
        string repoFolder = Path.Combine(cache, "models--team--small");
        Directory.CreateDirectory(Path.Combine(repoFolder, "refs"));
        File.WriteAllText(Path.Combine(repoFolder, "refs", "main"), commit);
        string snapshot = Path.Combine(repoFolder, "snapshots", commit);
        Directory.CreateDirectory(snapshot);
        File.WriteAllText(Path.Combine(snapshot, "config.json"), "{}");

        var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, offline: true)));
        Assert.AreEqual(HubErrorKind.NotCached, e.Kind);
        StringAssert.Contains(e.Message, "model.safetensors");

        File.WriteAllBytes(Path.Combine(snapshot, "model.safetensors"), new byte[8]);
        Assert.AreEqual(snapshot, HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, offline: true)));
        Assert.IsEmpty(hub.Requests);
    }

    [TestMethod]
    public void OfflineWithAnEmptyCacheSaysSoAndWhatToDo()
    {
        using var hub = new FakeHub();
        string cache = Fixtures.NewTempDir();
        var e = Fails(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, cache, revision: "v2", offline: true)));
        Assert.AreEqual(HubErrorKind.NotCached, e.Kind);
        NamesRepoAndRevision(e, SmallId, "v2");
        StringAssert.Contains(e.Message, "HF_HUB_OFFLINE");
        StringAssert.Contains(e.Message, cache);
        StringAssert.Contains(e.Message, "network access");
        Assert.IsEmpty(hub.Requests);
    }

    [TestMethod]
    public async Task TwoConcurrentDownloadsIntoOneCacheBothSucceed()
    {
        var (hub, repo, commit) = SmallHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            var both = await Task.WhenAll(
                Task.Run(() => HubModelDownloader.DownloadAsync(SmallId, FakeRepos.Options(hub, cache))),
                Task.Run(() => HubModelDownloader.DownloadAsync(SmallId, FakeRepos.Options(hub, cache))));
            Assert.AreEqual(both[0], both[1]);
            CollectionAssert.AreEqual(FakeRepos.SmallWanted, SnapshotFiles(both[0]));
            CollectionAssert.AreEqual(repo.Commits[commit]["model.safetensors"].Content, File.ReadAllBytes(Path.Combine(both[0], "model.safetensors")));
            Assert.IsFalse(Directory.EnumerateFiles(cache, "*.incomplete", SearchOption.AllDirectories).Any());
            Assert.IsFalse(Directory.EnumerateFiles(cache, "*.tmp", SearchOption.AllDirectories).Any());
        }
    }

    [TestMethod]
    public void ACancelledCallStopsWithOperationCanceled()
    {
        var (hub, _, _) = SmallHub();
        using (hub)
        {
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.Throws<OperationCanceledException>(() => HubModelDownloader.Download(SmallId, FakeRepos.Options(hub, Fixtures.NewTempDir()), cancelled.Token));
        }
    }
}
