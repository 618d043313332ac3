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
    public void ARunResumedFromItsNewestCheckpointEndsWithTheUninterruptedRunsWeights()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "tiny"), other = Path.Combine(dir, "other");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        // The resumed run starts from other weights: only the checkpoint can bring it to the uninterrupted run's.
        using (var tiny = Fixtures.Tiny(seed: 2)) tiny.Save(other);
        string train = Path.Combine(dir, "train.tsv");
        File.WriteAllLines(train, Enumerable.Range(0, 20).Select(i => $"the cat number {i}\ta cat called {i}\t{(i % 2 == 0 ? 0.9 : 0.1)}"));
        string[] Args(string output, params string[] more) =>
            ["train", "--objective", "regression", "--train", train, "--batch-size", "4", "--lr", "1e-3", "--seed", "3", "--output", output, .. more];

        // Uninterrupted, a checkpoint every 2 of 5 steps, the newest one kept beside the output.
        string whole = Path.Combine(dir, "whole");
        var (code, _, stderr) = RunSbert(Args(whole, "--model", model, "--checkpoint-steps", "2"));
        Assert.AreEqual(0, code, stderr);
        CollectionAssert.AreEqual(new[] { "checkpoint-4" }, Directory.GetFileSystemEntries(whole + ".checkpoints").Select(Path.GetFileName).ToArray());

        // A run that stopped after step 4 left that checkpoint: resuming trains step 5 only and lands on the same weights.
        string resumed = Path.Combine(dir, "resumed");
        (code, _, stderr) = RunSbert(Args(resumed, "--model", other, "--checkpoint-dir", whole + ".checkpoints", "--resume"));
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "after step 4");
        using (var a = SentenceEncoder.Load(whole))
        using (var b = SentenceEncoder.Load(resumed))
            CollectionAssert.AreEqual(a.Encode("the cat number 3"), b.Encode("the cat number 3"));

        // Checkpoints of an earlier run are neither pruned nor resumed by a run that was not told to resume.
        (code, _, stderr) = RunSbert(Args(Path.Combine(dir, "again"), "--model", model, "--checkpoint-dir", whole + ".checkpoints", "--checkpoint-steps", "2"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "holds checkpoint-4 of an earlier run: add --resume");

        // --resume with nothing to resume starts from the beginning and says so.
        (code, _, stderr) = RunSbert(Args(Path.Combine(dir, "fresh"), "--model", model, "--resume"));
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "no checkpoint in");
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
