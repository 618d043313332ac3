using System.Diagnostics;
using System.Reflection;
using System.Text;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Hub;
using MLNet.SentenceEmbeddings.Tests.Hub;
using Parquet.Serialization;

namespace MLNet.SentenceEmbeddings.Tests.DataSets;

/// <summary>
/// Data on demand: where a data set is found, its rebuild from the Hub's Parquet rows (served by the local fake Hub
/// from Parquet files built here out of the team's copies), and the Quickstart with and without network.
/// </summary>
[TestClass]
public class DataSetLocatorTests
{
    private static readonly (string? Root, string Via)[] NoDisk = [];

    private static (int Code, string Output) Run(string dll, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    /// <summary>The Hub as the child process sees it: this endpoint, this cache, no token, online.</summary>
    private static Dictionary<string, string?> HubEnvironment(string endpoint, string cache, string dataDir) => new()
    {
        ["SBERT_DATA_DIR"] = dataDir, ["HF_ENDPOINT"] = endpoint, ["HF_HUB_CACHE"] = cache, ["HF_HOME"] = cache,
        ["HF_TOKEN"] = null, ["HF_HUB_OFFLINE"] = null, ["TRANSFORMERS_OFFLINE"] = null,
    };

    /// <summary>
    /// A copy of the Quickstart's build output outside this repository, so that walking up from it finds no shared/data
    /// folder (as on a user's machine). Hard links (cp -al): 1.5 GB of libtorch is not copied, and unlike symbolic links
    /// the host does not resolve them back to the repository.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string QuickstartOutsideTheRepository()
    {
        string built = Path.GetDirectoryName(Path.GetFullPath(typeof(DataSetLocatorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "QuickstartPath").Value!))!;
        string copy = Path.Combine(Fixtures.NewTempDir(), "quickstart");
        using (var cp = Process.Start(new ProcessStartInfo("cp") { ArgumentList = { "-al", built, copy }, RedirectStandardError = true })!)
        {
            string error = cp.StandardError.ReadToEnd();
            cp.WaitForExit();
            Assert.AreEqual(0, cp.ExitCode, error);
        }
        Assert.IsNull(SharedDataAbove(copy), "the temporary folder must not sit below a shared/data folder");
        return Path.Combine(copy, "Quickstart.dll");
    }

    private static string? SharedDataAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "shared", "data"))) return dir.FullName;
        return null;
    }

    private static byte[] Parquet<T>(IReadOnlyCollection<T> rows) where T : class, new()
    {
        using var stream = new MemoryStream();
        ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary>rotten_tomatoes as the Hub's script builds it from rt-polarity: each file split 80/10/10, positive lines first per split, stripped.</summary>
    private static FakeRepo RottenTomatoes(IReadOnlyList<string> pos, IReadOnlyList<string> neg)
    {
        Assert.HasCount(pos.Count, neg);
        int i1 = (int)(pos.Count * 0.8 + 0.5), i2 = (int)(pos.Count * 0.9 + 0.5);
        FakeFile Split(int from, int to) => new(Parquet(pos.Take(to).Skip(from).Select(t => new TextLabelRow { Text = t.Trim(), Label = 1 })
            .Concat(neg.Take(to).Skip(from).Select(t => new TextLabelRow { Text = t.Trim(), Label = 0 })).ToList()), lfs: true);
        var repo = new FakeRepo();
        repo.Commit(new Dictionary<string, FakeFile> { ["README.md"] = FakeFile.Text("# rotten_tomatoes"), ["rotten_tomatoes.py"] = FakeFile.Text("never run") });
        repo.Commit(new Dictionary<string, FakeFile>
        {
            ["default/train/0000.parquet"] = Split(0, i1), ["default/validation/0000.parquet"] = Split(i1, i2), ["default/test/0000.parquet"] = Split(i2, pos.Count),
        }, branch: HubDataSetSource.ParquetRevision);
        return repo;
    }

    /// <summary>mteb/stsbenchmark-sts: the release's rows with typed columns (the score a number).</summary>
    private static FakeRepo MtebStsBenchmark(string stsb)
    {
        FakeFile Split(string file) => new(Parquet(File.ReadLines(Path.Combine(stsb, file)).Select(l => l.Split('\t')).Select(f => new StsRow
        {
            Genre = f[0], Dataset = f[1], Year = f[2], Sid = f[3], Score = double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
            Sentence1 = f[5], Sentence2 = f[6],
        }).ToList()), lfs: true);
        var repo = new FakeRepo();
        repo.Commit(new Dictionary<string, FakeFile>
        {
            ["default/train/0000.parquet"] = Split("sts-train.csv"), ["default/validation/0000.parquet"] = Split("sts-dev.csv"),
            ["default/test/0000.parquet"] = Split("sts-test.csv"),
        }, branch: HubDataSetSource.ParquetRevision);
        return repo;
    }

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
        hub.Datasets[HubDataSetSource.MovieReviews.RepoId] = RottenTomatoes(pos, neg);
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
        hub.Datasets[HubDataSetSource.StsBenchmark.RepoId] = MtebStsBenchmark(stsb);
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
    [Timeout(300_000, CooperativeCancellation = true)]
    public void QuickstartWithoutDataOrNetworkRunsItsSimilarityPartAndSaysHowToGetMr()
    {
        string quickstart = QuickstartOutsideTheRepository();
        string empty = Fixtures.NewTempDir();
        // A closed port: every Hub request fails at once, as on a machine without network.
        var (code, output) = Run(quickstart, empty, HubEnvironment("http://127.0.0.1:9", Fixtures.NewTempDir(), empty));
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
    public void QuickstartWithTheHubDownloadsMrAndRunsItsClassificationPart()
    {
        // 120 + 120 reviews of MR keep the fit short; the example reads whatever MR the Hub serves.
        string mr = Path.Combine(Fixtures.DataDir, "senteval", "MR");
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.MovieReviews.RepoId] = RottenTomatoes(
            File.ReadLines(Path.Combine(mr, "rt-polarity.pos")).Take(120).ToList(), File.ReadLines(Path.Combine(mr, "rt-polarity.neg")).Take(120).ToList());
        string quickstart = QuickstartOutsideTheRepository();
        string empty = Fixtures.NewTempDir(), cache = Fixtures.NewTempDir();
        var (code, output) = Run(quickstart, empty, HubEnvironment(hub.Endpoint, cache, empty));
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Embedded 30 sentences (384 dims)");
        StringAssert.Contains(output, "MR found via hub: " + Path.Combine(cache, "datasets--cornell-movie-review-data--rotten_tomatoes", "converted"));
        StringAssert.Contains(output, "MR (240 reviews, 80/20 split): accuracy");
        StringAssert.Contains(output, "and loaded back.");
    }
}
