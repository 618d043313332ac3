using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Tests.DataSets;
using MLNet.SentenceEmbeddings.Tests.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary>
/// eval and reproduce find their data sets as <c>sbert data locate</c> does. Run as a user would: sbert and the working
/// directory with no shared/data folder above them, $SBERT_DATA_DIR an empty folder, HF_ENDPOINT the local fake Hub.
/// </summary>
[TestClass]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class DataSetFoldersTests
{
    /// <summary>This test run's build output copied once outside the repository.</summary>
    private static readonly Lazy<string> Sbert = new(() => DataOnDemandFixtures.OutsideTheRepository(AppContext.BaseDirectory, "sbert.dll"));

    private static JsonNode LastJson(string stdout) => JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;

    private static (double Spearman, double Pearson) Expected(string model, string file)
    {
        using var encoder = SentenceEncoder.Load(model);
        var all = new StsSubsetsEvaluator([new StsSubset(Path.GetFileNameWithoutExtension(file), StsBenchmarkReader.Read(file))]).Evaluate(s => encoder.Encode(s)).All;
        return (Math.Round(100 * all.Spearman, 4), Math.Round(100 * all.Pearson, 4));
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void EvalStsWithoutDataDownloadsStsbAndGetsTheFigureOfTheSameFiles()
    {
        // 80 lines per split keep the run short; the fake Hub serves exactly these lines as mteb/stsbenchmark-sts.
        string slice = Path.Combine(DataOnDemandFixtures.StsbSlice(80), "stsb");
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.StsBenchmark.RepoId] = DataOnDemandFixtures.MtebStsBenchmark(slice);
        string empty = Fixtures.NewTempDir(), model = CliTestModels.TinyEncoder(Fixtures.NewTempDir());
        var environment = DataOnDemandFixtures.HubEnvironment(hub.Endpoint, Fixtures.NewTempDir(), empty);

        var (code, stdout, stderr) = DataOnDemandFixtures.Run(Sbert.Value, empty, environment, "eval", "sts", "--model", model, "--json");
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "converted from the Hugging Face Hub's mteb/stsbenchmark-sts");
        var json = LastJson(stdout);
        var test = Expected(model, Path.Combine(slice, "sts-test.csv"));
        Assert.AreEqual(80, json["n"]!.GetValue<int>());
        Assert.AreEqual(test.Spearman, json["spearman"]!.GetValue<double>(), 1e-9);
        Assert.AreEqual(test.Pearson, json["pearson"]!.GetValue<double>(), 1e-9);

        // Offline, the converted copy in the Hub cache serves the next run without a request; --split picks its file.
        hub.ClearRequests();
        environment["HF_HUB_OFFLINE"] = "1";
        (code, stdout, stderr) = DataOnDemandFixtures.Run(Sbert.Value, empty, environment, "eval", "sts", "--model", model, "--split", "dev", "--json");
        Assert.AreEqual(0, code, stderr);
        Assert.IsEmpty(hub.Requests);
        var dev = Expected(model, Path.Combine(slice, "sts-dev.csv"));
        Assert.AreNotEqual(test.Spearman, dev.Spearman, "the check needs splits whose figures differ");
        Assert.AreEqual(dev.Spearman, LastJson(stdout)["spearman"]!.GetValue<double>(), 1e-9);
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void EvalSentEvalReadsEachTaskFromWhereItWasFound()
    {
        // 60 + 60 lines of MR served by the fake Hub, 60 + 60 of CR in $SBERT_DATA_DIR: two roots in one run.
        static List<string> Head(string task, string file) => File.ReadLines(Path.Combine(Fixtures.DataDir, "senteval", task, file)).Take(60).ToList();
        var (pos, neg) = (Head("MR", "rt-polarity.pos"), Head("MR", "rt-polarity.neg"));
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.MovieReviews.RepoId] = DataOnDemandFixtures.RottenTomatoes(pos, neg);
        string data = Fixtures.NewTempDir(), both = Fixtures.NewTempDir(), empty = Fixtures.NewTempDir();
        foreach (var root in new[] { data, both })
        {
            Directory.CreateDirectory(Path.Combine(root, "senteval", "CR"));
            foreach (var file in new[] { "custrev.pos", "custrev.neg" }) File.WriteAllLines(Path.Combine(root, "senteval", "CR", file), Head("CR", file));
        }
        Directory.CreateDirectory(Path.Combine(both, "senteval", "MR"));
        File.WriteAllLines(Path.Combine(both, "senteval", "MR", "rt-polarity.pos"), pos);
        File.WriteAllLines(Path.Combine(both, "senteval", "MR", "rt-polarity.neg"), neg);
        string model = CliTestModels.TinyEncoder(Fixtures.NewTempDir());
        var environment = DataOnDemandFixtures.HubEnvironment(hub.Endpoint, Fixtures.NewTempDir(), data);
        string[] args = ["eval", "senteval", "--tasks", "MR,CR", "--quick", "--model", model, "--json"];

        var (code, located, stderr) = DataOnDemandFixtures.Run(Sbert.Value, empty, environment, args);
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "converted from the Hugging Face Hub's cornell-movie-review-data/rotten_tomatoes");
        (code, var given, stderr) = DataOnDemandFixtures.Run(Sbert.Value, empty, environment, [.. args, "--data", both]);
        Assert.AreEqual(0, code, stderr);
        var json = LastJson(located);
        CollectionAssert.AreEqual(new[] { "MR", "CR" }, json["tasks"]!.AsObject().Select(kv => kv.Key).ToArray());
        Assert.AreEqual(LastJson(given).ToJsonString(), json.ToJsonString(), "MR from the Hub and CR from $SBERT_DATA_DIR read as one --data folder holding both");
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void AMissingDataSetFailsBeforeAnyModelOrDownloadNamingEveryPlaceLooked()
    {
        // STSb is on the (fake) Hub; SICK, SNLI, CR and Quora have no Hub source and are on no disk here.
        using var hub = new FakeHub();
        hub.Datasets[HubDataSetSource.StsBenchmark.RepoId] = DataOnDemandFixtures.MtebStsBenchmark(Path.Combine(DataOnDemandFixtures.StsbSlice(20), "stsb"));
        string empty = Fixtures.NewTempDir(), model = Path.Combine(empty, "no-such-model");
        var environment = DataOnDemandFixtures.HubEnvironment(hub.Endpoint, Fixtures.NewTempDir(), empty);

        var (code, _, stderr) = DataOnDemandFixtures.Run(Sbert.Value, empty, environment, "eval", "sts", "--format", "sick", "--model", model);
        Assert.AreEqual(1, code, stderr);
        StringAssert.Contains(stderr, "data set 'sick'");
        StringAssert.Contains(stderr, $"$SBERT_DATA_DIR: no {Path.Combine(empty, "sick")}{Path.DirectorySeparatorChar}");
        StringAssert.Contains(stderr, $"shared/data: no shared/data folder above {empty}");
        StringAssert.Contains(stderr, "the Hugging Face Hub: no Hugging Face Hub data set holds the same content as sick/");
        StringAssert.Contains(stderr, "put SICK_train.txt, SICK_trial.txt, SICK_test_annotated.txt in $SBERT_DATA_DIR/sick/");
        StringAssert.Contains(stderr, "`sbert data locate sick`");
        Assert.DoesNotContain("no-such-model", stderr, "the model is not looked at before the data");

        // Each command asks for its own data sets; one without a Hub source fails before another is downloaded.
        foreach (var (name, args) in new (string, string[])[]
        {
            ("snli", ["eval", "triplet", "--model", model]),
            ("quora", ["eval", "retrieval", "--model", model]),
            ("cr", ["eval", "senteval", "--tasks", "MR,CR", "--model", model]),
            ("sick", ["reproduce", "--quick", "--tables", "1"]),
        })
        {
            (code, _, stderr) = DataOnDemandFixtures.Run(Sbert.Value, empty, environment, args);
            Assert.AreEqual(1, code, $"{string.Join(' ', args)}: {stderr}");
            StringAssert.Contains(stderr, $"data set '{name}'", string.Join(' ', args));
            StringAssert.Contains(stderr, $"`sbert data locate {name}`", string.Join(' ', args));
        }
        Assert.IsEmpty(hub.Requests, "reproduce --tables 1 needs STSb too, but SICK's absence is found first");
    }
}
