using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class TrainCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    [TestMethod]
    public void TrainsWritesALoadableFolderAndReportsJson()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "tiny");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        string train = Path.Combine(dir, "train.tsv"), output = Path.Combine(dir, "tuned");
        File.WriteAllLines(train, Enumerable.Range(0, 20).Select(i => $"the cat number {i}\ta cat called {i}\t{(i % 2 == 0 ? 0.9 : 0.1)}"));
        var (code, stdout, stderr) = RunSbert("train", "--objective", "regression", "--model", model, "--train", train,
            "--batch-size", "4", "--lr", "1e-3", "--output", output, "--json");
        Assert.AreEqual(0, code, stderr);
        var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        Assert.AreEqual("regression", json["objective"]!.GetValue<string>());
        Assert.AreEqual(5, json["steps"]!.GetValue<int>());
        Assert.IsTrue(json["pairs_per_second"]!.GetValue<double>() > 0);
        using var tuned = SentenceEncoder.Load(output);
        using var original = SentenceEncoder.Load(model);
        Assert.IsTrue(Fixtures.Cos(tuned.Encode("the cat"), original.Encode("the cat")) < 0.999999, "the saved weights must be the trained ones");
    }

    [TestMethod]
    public void AnObjectiveTheFormatCannotFeedIsAUsageError()
    {
        string train = Path.Combine(Fixtures.DataDir, "stsb", "sts-train.csv");
        var (code, _, stderr) = RunSbert("train", "--objective", "triplet", "--train", train, "--output", Path.Combine(Fixtures.NewTempDir(), "x"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "--format stsb has no data for the triplet objective");
        var (code2, _, stderr2) = RunSbert("train", "--objective", "sideways", "--train", train, "--output", "x");
        Assert.AreEqual(2, code2);
        StringAssert.Contains(stderr2, "Unknown objective 'sideways'");
    }
}
