using System.Reflection;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Hub;
using MLNet.SentenceEmbeddings.Tests.Hub;

namespace MLNet.SentenceEmbeddings.Tests.DataSets;

/// <summary>
/// Data on demand: where a data set is found, its rebuild from the Hub's Parquet rows (served by the local fake Hub
/// from Parquet files built here out of the team's copies), and the Quickstart with and without network.
/// </summary>
[TestClass]
public class DataSetLocatorTests
{
    private static readonly (string? Root, string Via, string Absent)[] NoDisk = [];

    /// <summary>Runs a program and returns its exit code with stdout and stderr together.</summary>
    private static (int Code, string Output) Run(string dll, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var (code, stdout, stderr) = DataOnDemandFixtures.Run(dll, workingDirectory, environment, args);
        return (code, stdout + stderr);
    }

    /// <summary>The Quickstart's build output copied outside this repository (no shared/data above it).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string QuickstartOutsideTheRepository() => DataOnDemandFixtures.OutsideTheRepository(
        Path.GetDirectoryName(Path.GetFullPath(typeof(DataSetLocatorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "QuickstartPath").Value!))!, "Quickstart.dll");

    [TestMethod]
    public void TheFolderNamedBySbertDataDirComesFirstAndMissingFilesAreNamed()
    {
        string root = Fixtures.NewTempDir();
        var stsb = DataSetCatalog.Find("stsb");
        Directory.CreateDirectory(Path.Combine(root, "stsb"));
        foreach (var f in stsb.Files.Skip(1)) File.WriteAllText(Path.Combine(root, "stsb", f), "");
        var partial = DataSetLocator.Check(root, stsb);
        Assert.IsNull(partial.Path);
        CollectionAssert.AreEqual(new[] { "sts-train.csv" }, partial.Missing.ToArray());

        File.WriteAllText(Path.Combine(root, "stsb", "sts-train.csv"), "");
        string sbert = Path.Combine(AppContext.BaseDirectory, "sbert.dll");
        var (code, output) = Run(sbert, root, new Dictionary<string, string?> { ["SBERT_DATA_DIR"] = root }, "data", "locate", "stsb");
        Assert.AreEqual(0, code, output);
        Assert.AreEqual(Path.Combine(root, "stsb"), output.Trim());
        Assert.ThrowsExactly<ArgumentException>(() => DataSetCatalog.Find("imagenet"));
    }

    [TestMethod]
    public void MrComesBackFromTheHubByteForByteAndOnceConvertedNeedsNoDownload()
    {
        string mr = Path.Combine(Fixtures.DataDir, "senteval", "MR");
        var pos = File.ReadAllLines(Path.Combine(mr, "rt-polarity.pos"));
        var neg = File.ReadAllLines(Path.Combine(mr, "rt-polarity.neg"));
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.MovieReviews.RepoId] = DataOnDemandFixtures.RottenTomatoes(pos, neg);
        string cache = Fixtures.NewTempDir();
        var set = DataSetCatalog.Find("mr");

        Assert.AreEqual("missing", DataSetLocator.Locate(set, NoDisk, hub: null, default).Via, "no Hub options: disk only");
        var found = DataSetLocator.Locate(set, NoDisk, FakeRepos.Options(hub, cache), default);
        Assert.AreEqual("hub", found.Via, found.HubError);
        foreach (var file in set.Files)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(mr, file)), File.ReadAllBytes(Path.Combine(found.Path!, file)), file);
        StringAssert.StartsWith(found.Path!, Path.Combine(cache, "datasets--cornell-movie-review-data--rotten_tomatoes", "converted"));
        Assert.IsFalse(hub.Requests.Any(r => r.Path.EndsWith(".py", StringComparison.Ordinal)), "a loading script is never fetched");

        // Offline, the converted folder is served from the cache without a request.
        hub.ClearRequests();
        var offline = DataSetLocator.Locate(set, NoDisk, FakeRepos.Options(hub, cache, offline: true), default);
        Assert.AreEqual(found.Path, offline.Path);
        Assert.IsEmpty(hub.Requests);
    }

    [TestMethod]
    public void StsbComesBackFromTheHubWithTheSamePairsAndScores()
    {
        string stsb = Path.Combine(Fixtures.DataDir, "stsb");
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.StsBenchmark.RepoId] = DataOnDemandFixtures.MtebStsBenchmark(stsb);
        var found = DataSetLocator.Locate(DataSetCatalog.Find("stsb"), NoDisk, FakeRepos.Options(hub, Fixtures.NewTempDir()), default);
        Assert.AreEqual("hub", found.Via, found.HubError);
        foreach (var file in new[] { "sts-train.csv", "sts-dev.csv", "sts-test.csv" })
        {
            var expected = StsBenchmarkReader.Read(Path.Combine(stsb, file));
            var actual = StsBenchmarkReader.Read(Path.Combine(found.Path!, file));
            Assert.HasCount(expected.Count, actual, file);
            for (int i = 0; i < expected.Count; i++) Assert.AreEqual(expected[i], actual[i], $"{file}, pair {i}");
            // Every field but the score's spelling and the optional trailing source fields is the release's.
            var original = File.ReadAllLines(Path.Combine(stsb, file));
            var rebuilt = File.ReadAllLines(Path.Combine(found.Path!, file));
            for (int i = 0; i < original.Length; i++)
            {
                var o = original[i].Split('\t');
                var r = rebuilt[i].Split('\t');
                Assert.HasCount(7, r);
                CollectionAssert.AreEqual(o.Take(4).Concat(o.Skip(5).Take(2)).ToArray(), r.Take(4).Concat(r.Skip(5)).ToArray(), $"{file}:{i + 1}");
            }
        }
    }

    [TestMethod]
    public void WithoutTheHubTheLocationSaysWhy()
    {
        using var hub = new FakeHub();
        string cache = Fixtures.NewTempDir();
        var offline = DataSetLocator.Locate(DataSetCatalog.Find("mr"), NoDisk, FakeRepos.Options(hub, cache, offline: true), default);
        Assert.IsNull(offline.Path);
        CollectionAssert.AreEqual(new[] { "rt-polarity.pos", "rt-polarity.neg" }, offline.Missing.ToArray());
        StringAssert.Contains(offline.HubError, "cornell-movie-review-data/rotten_tomatoes");
        Assert.IsEmpty(hub.Requests);

        var unknown = DataSetLocator.Locate(DataSetCatalog.Find("mr"), NoDisk, FakeRepos.Options(hub, cache), default);
        Assert.IsNull(unknown.Path);
        StringAssert.Contains(unknown.HubError, "cornell-movie-review-data/rotten_tomatoes");

        var noSource = DataSetLocator.Locate(DataSetCatalog.Find("quora"), NoDisk, FakeRepos.Options(hub, cache), default);
        StringAssert.Contains(noSource.HubError, "no Hugging Face Hub data set");
    }

    [TestMethod]
    public void ANotFoundDataSetNamesEveryPlaceLookedAndHowToGetIt()
    {
        string empty = Fixtures.NewTempDir();
        (string?, string, string)[] roots = [(empty, "SBERT_DATA_DIR", "not set"), (null, "shared/data", "no shared/data folder above /nowhere")];
        using var hub = new FakeHub();
        var stsb = DataSetCatalog.Find("stsb");
        var offline = DataSetLocator.Locate(stsb, roots, FakeRepos.Options(hub, Fixtures.NewTempDir(), offline: true), default);
        Assert.IsNull(offline.Path);
        CollectionAssert.AreEqual(new[]
        {
            $"$SBERT_DATA_DIR: no {Path.Combine(empty, "stsb")}{Path.DirectorySeparatorChar}",
            "shared/data: no shared/data folder above /nowhere",
            $"the Hugging Face Hub (mteb/stsbenchmark-sts): {offline.HubError}",
        }, offline.Looked.ToArray());
        string message = new DataSetNotFoundException(stsb, offline).Message;
        foreach (var line in offline.Looked) StringAssert.Contains(message, line);
        StringAssert.Contains(message, "data set 'stsb'");
        StringAssert.Contains(message, "`sbert data locate stsb --download`");

        // Files present but incomplete are named; a data set without a Hub source says so and how to get it by hand.
        var sick = DataSetCatalog.Find("sick");
        Directory.CreateDirectory(Path.Combine(empty, "sick"));
        File.WriteAllText(Path.Combine(empty, "sick", "SICK_train.txt"), "");
        var missing = DataSetLocator.Locate(sick, roots, FakeRepos.Options(hub, Fixtures.NewTempDir()), default);
        Assert.AreEqual($"$SBERT_DATA_DIR: {Path.Combine(empty, "sick")}{Path.DirectorySeparatorChar} lacks SICK_trial.txt, SICK_test_annotated.txt", missing.Looked[0]);
        Assert.AreEqual($"the Hugging Face Hub: no Hugging Face Hub data set holds the same content as sick/", missing.Looked[^1]);
        message = new DataSetNotFoundException(sick, missing).Message;
        StringAssert.Contains(message, "put SICK_train.txt, SICK_trial.txt, SICK_test_annotated.txt in $SBERT_DATA_DIR/sick/");
        StringAssert.Contains(message, "`sbert data locate sick`");
        Assert.DoesNotContain("--download", message);
        Assert.IsEmpty(hub.Requests, "neither offline mode nor a data set without a source asks the Hub");
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void QuickstartWithoutDataOrNetworkRunsItsSimilarityPartAndSaysHowToGetMr()
    {
        string quickstart = QuickstartOutsideTheRepository();
        string empty = Fixtures.NewTempDir();
        // A closed port: every Hub request fails at once, as on a machine without network.
        var (code, output) = Run(quickstart, empty, DataOnDemandFixtures.HubEnvironment("http://127.0.0.1:9", Fixtures.NewTempDir(), empty));
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Embedded 30 sentences (384 dims)");
        // The query about a musician finds the guitar sentences first.
        var lines = output.Split('\n');
        int query = Array.FindIndex(lines, l => l.StartsWith("Query: A musician plays an instrument.", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, query, output);
        StringAssert.Contains(lines[query + 1], "guitar");
        StringAssert.Contains(output, "cornell-movie-review-data/rotten_tomatoes");
        StringAssert.Contains(output, "rt-polaritydata.tar.gz");
        StringAssert.Contains(output, "senteval/MR");
        Assert.DoesNotContain("accuracy", output);
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void QuickstartWithTheHubDownloadsMrAndRunsItsClassificationPart()
    {
        // 120 + 120 reviews of MR keep the fit short; the example reads whatever MR the Hub serves.
        string mr = Path.Combine(Fixtures.DataDir, "senteval", "MR");
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.MovieReviews.RepoId] = DataOnDemandFixtures.RottenTomatoes(
            File.ReadLines(Path.Combine(mr, "rt-polarity.pos")).Take(120).ToList(), File.ReadLines(Path.Combine(mr, "rt-polarity.neg")).Take(120).ToList());
        string quickstart = QuickstartOutsideTheRepository();
        string empty = Fixtures.NewTempDir(), cache = Fixtures.NewTempDir();
        var (code, output) = Run(quickstart, empty, DataOnDemandFixtures.HubEnvironment(hub.Endpoint, cache, empty));
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Embedded 30 sentences (384 dims)");
        StringAssert.Contains(output, "MR found via hub: " + Path.Combine(cache, "datasets--cornell-movie-review-data--rotten_tomatoes", "converted"));
        StringAssert.Contains(output, "MR (240 reviews, 80/20 split): accuracy");
        StringAssert.Contains(output, "and loaded back.");
    }
}
