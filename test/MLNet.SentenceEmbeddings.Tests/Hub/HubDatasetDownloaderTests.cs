using System.Text;
using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

[TestClass]
public sealed class HubDatasetDownloaderTests
{
    private const string Id = "team/sts";
    private const string ParquetRef = "refs/convert/parquet";

    private static (FakeHub Hub, FakeRepo Repo) DatasetHub()
    {
        var hub = new FakeHub();
        var repo = new FakeRepo();
        repo.Commit(new Dictionary<string, FakeFile>
        {
            ["README.md"] = FakeFile.Text("# sts"),
            ["sts.py"] = FakeFile.Text("raise SystemExit('a loading script: never run')"),
            ["data/train.csv"] = FakeFile.Text("a,b,score\n"),
        });
        repo.Commit(new Dictionary<string, FakeFile>
        {
            ["default/train/0000.parquet"] = new(Encoding.ASCII.GetBytes("PAR1 train PAR1"), lfs: true),
            ["default/test/0000.parquet"] = new(Encoding.ASCII.GetBytes("PAR1 test PAR1"), lfs: true),
            ["../escape.parquet"] = new(Encoding.ASCII.GetBytes("PAR1 evil PAR1"), lfs: true),
        }, branch: ParquetRef);
        hub.Datasets[Id] = repo;
        return (hub, repo);
    }

    [TestMethod]
    public void ParquetFilesOfTheConvertedBranchDownloadIntoTheDatasetCache()
    {
        var (hub, repo) = DatasetHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            var options = FakeRepos.Options(hub, cache, revision: ParquetRef);
            string snapshot = HubDatasetDownloader.Download(Id, new[] { "default/train/*.parquet" }, options);

            string commit = repo.Refs[ParquetRef];
            string repoFolder = Path.Combine(cache, "datasets--team--sts");
            Assert.AreEqual(Path.Combine(repoFolder, "snapshots", commit), snapshot);
            Assert.AreEqual("PAR1 train PAR1", File.ReadAllText(Path.Combine(snapshot, "default", "train", "0000.parquet")));
            Assert.IsFalse(File.Exists(Path.Combine(snapshot, "default", "test", "0000.parquet")));
            // huggingface_hub keeps a slash-separated revision as nested folders under refs/.
            Assert.AreEqual(commit, File.ReadAllText(Path.Combine(repoFolder, "refs", "refs", "convert", "parquet")));
            Assert.IsTrue(hub.Requests.Any(r => r.Path == $"/api/datasets/{Id}/revision/refs%2Fconvert%2Fparquet"));
            Assert.IsTrue(hub.Requests.Any(r => r.Path.StartsWith($"/datasets/{Id}/resolve/{commit}/", StringComparison.Ordinal)));

            // Another pattern set is another selection: it downloads what it adds; a repeat makes one call.
            hub.ClearRequests();
            HubDatasetDownloader.Download(Id, new[] { "default/" }, options);
            Assert.AreEqual("PAR1 test PAR1", File.ReadAllText(Path.Combine(snapshot, "default", "test", "0000.parquet")));
            hub.ClearRequests();
            HubDatasetDownloader.Download(Id, new[] { "default/train/*.parquet" }, options);
            Assert.HasCount(1, hub.Requests);
        }
    }

    [TestMethod]
    public void PatternsChooseFilesAndNothingMatchingIsAnError()
    {
        var (hub, _) = DatasetHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            string snapshot = HubDatasetDownloader.Download(Id, new[] { "data/*.csv" }, FakeRepos.Options(hub, cache));
            Assert.IsTrue(File.Exists(Path.Combine(snapshot, "data", "train.csv")));
            Assert.IsFalse(File.Exists(Path.Combine(snapshot, "sts.py")));

            var e = Assert.ThrowsExactly<HubDownloadException>(() => HubDatasetDownloader.Download(Id, new[] { "*.parquet" }, FakeRepos.Options(hub, cache)));
            Assert.AreEqual(HubErrorKind.FileNotFound, e.Kind);
            Assert.AreEqual("dataset", e.RepoType);
            StringAssert.Contains(e.Message, "'*.parquet'");
            StringAssert.Contains(e.Message, "data/train.csv");

            Assert.ThrowsExactly<ArgumentException>(() => HubDatasetDownloader.Download(Id, Array.Empty<string>(), FakeRepos.Options(hub, cache)));
        }
    }

    [TestMethod]
    public void AFileNameWithDotDotIsRefused()
    {
        var (hub, _) = DatasetHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            var e = Assert.ThrowsExactly<HubDownloadException>(() =>
                HubDatasetDownloader.Download(Id, new[] { "*.parquet" }, FakeRepos.Options(hub, cache, revision: ParquetRef)));
            Assert.AreEqual(HubErrorKind.InvalidRepository, e.Kind);
            Assert.AreEqual("../escape.parquet", e.FileName);
            Assert.IsFalse(File.Exists(Path.Combine(cache, "datasets--team--sts", "snapshots", "escape.parquet")));
        }
    }

    [TestMethod]
    public void OfflineServesTheSameSelectionAndRefusesAnUncachedOne()
    {
        var (hub, _) = DatasetHub();
        using (hub)
        {
            string cache = Fixtures.NewTempDir();
            string online = HubDatasetDownloader.Download(Id, new[] { "data/*.csv" }, FakeRepos.Options(hub, cache));
            hub.ClearRequests();
            Assert.AreEqual(online, HubDatasetDownloader.Download(Id, new[] { "data/*.csv" }, FakeRepos.Options(hub, cache, offline: true)));
            var e = Assert.ThrowsExactly<HubDownloadException>(() =>
                HubDatasetDownloader.Download(Id, new[] { "*.parquet" }, FakeRepos.Options(hub, cache, offline: true)));
            Assert.AreEqual(HubErrorKind.NotCached, e.Kind);
            Assert.IsEmpty(hub.Requests);
        }
    }
}
