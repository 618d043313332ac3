using MLNet.SentenceEmbeddings.Training;
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
    public void AKilledRunResumedFromItsNewestCheckpointEndsWithTheUninterruptedRunsWeights()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "tiny"), other = Path.Combine(dir, "other");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        // The resumed run starts from other weights: only the checkpoint can bring it to the uninterrupted run's.
        using (var tiny = Fixtures.Tiny(seed: 2)) tiny.Save(other);
        string train = Path.Combine(dir, "train.tsv");
        // 500 steps of the tiny model: long enough that the kill lands well before the end.
        File.WriteAllLines(train, Enumerable.Range(0, 2000).Select(i => $"the cat number {i}\ta cat called {i % 37}\t{(i % 2 == 0 ? 0.9 : 0.1)}"));
        string[] Args(string output, params string[] more) =>
            ["train", "--objective", "regression", "--train", train, "--batch-size", "4", "--lr", "1e-3", "--seed", "3", "--output", output, .. more];

        string whole = Path.Combine(dir, "whole");
        var (code, _, stderr) = RunSbert(Args(whole, "--model", model));
        Assert.AreEqual(0, code, stderr);

        string stopped = Path.Combine(dir, "stopped"), checkpoints = stopped + ".checkpoints";
        var (killed, printed) = ChildProcess.RunDllUntil(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            line => line.Contains("checkpoint-3", StringComparison.Ordinal), watchStdErr: true, TimeSpan.FromMinutes(5),
            Args(stopped, "--model", model, "--checkpoint-steps", "1"));
        Assert.IsTrue(killed, printed);
        string left = TrainingCheckpoints.Latest(checkpoints)!;
        int at = int.Parse(Path.GetFileName(left)["checkpoint-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(at is >= 3 and < 500, left);
        Assert.AreEqual(1, Directory.GetDirectories(checkpoints, "checkpoint-*").Length, "--checkpoints-kept 1 by default");
        Assert.IsFalse(Directory.Exists(stopped), "a killed run saves no model");

        // Checkpoints of an earlier run are neither pruned nor resumed by a run that was not told to resume.
        (code, _, stderr) = RunSbert(Args(stopped, "--model", model, "--checkpoint-steps", "1"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, $"holds checkpoint-{at} of an earlier run: add --resume");

        // The same command with --resume, from other starting weights, goes on after that step (still writing checkpoints).
        (code, _, stderr) = RunSbert(Args(stopped, "--model", other, "--checkpoint-steps", "1", "--resume"));
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, $"after step {at}");
        using (var a = SentenceEncoder.Load(whole))
        using (var b = SentenceEncoder.Load(stopped))
        {
            // Equal up to float rounding: two processes may take MKL kernels of other alignment (CI once saw 6e-8 apart),
            // while a resume that missed the checkpoint would end from the other start, far from these weights.
            float[] x = a.Encode("the cat number 3"), y = b.Encode("the cat number 3");
            double far = x.Zip(y, (p, q) => Math.Abs(p - q)).Max();
            Assert.IsTrue(far < 1e-5, $"the resumed run's vector is {far} from the uninterrupted run's");
        }
        Assert.IsFalse(Directory.Exists(checkpoints), "the checkpoints of a saved model are removed");

        // --resume with nothing to resume starts from the beginning and says so; options that need checkpoints are refused without them.
        (code, _, stderr) = RunSbert(Args(Path.Combine(dir, "fresh"), "--model", model, "--resume"));
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stderr, "no checkpoint in");
        (code, _, stderr) = RunSbert(Args(Path.Combine(dir, "unused"), "--model", model, "--checkpoints-kept", "3"));
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "need --checkpoint-steps");
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
