using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Training;

[TestClass]
public class TrainingCheckpointsTests
{
    private static List<TrainingExample> Pairs() =>
        Enumerable.Range(0, 24).Select(i => TrainingExample.Pair($"a cat number {i}", $"the cat called {i}", i % 2 == 0 ? 0.9f : 0.1f)).ToList();

    private static string[] Entries(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [TestMethod]
    public void LatestIsTheHighestStepAndIgnoresWhatIsNotACheckpoint()
    {
        string dir = Fixtures.NewTempDir();
        Assert.IsNull(TrainingCheckpoints.Latest(Path.Combine(dir, "absent")));
        Assert.IsNull(TrainingCheckpoints.Latest(dir));
        foreach (string name in new[] { "checkpoint-9", "checkpoint-10", "checkpoint-x", ".checkpoint-11.abc.tmp", "checkpoint-+12" })
            Directory.CreateDirectory(Path.Combine(dir, name));
        File.WriteAllText(Path.Combine(dir, "checkpoint-13"), "a file, not a folder");
        Assert.AreEqual(Path.Combine(dir, "checkpoint-10"), TrainingCheckpoints.Latest(dir), "10 > 9 as numbers, not as text");
    }

    [TestMethod]
    public void CheckpointsKeptLeavesTheNewestOfThisRunAndALaterRunsFolderAlone()
    {
        string dir = Fixtures.NewTempDir();
        // Another run's checkpoint at a step this run never reaches: pruning by step must not take this run's instead.
        Directory.CreateDirectory(Path.Combine(dir, "checkpoint-100"));
        using var encoder = Fixtures.Tiny();
        var options = new SiameseTrainingOptions
        {
            BatchSize = 4, Epochs = 1, Seed = 3, LearningRate = 1e-3, CheckpointDirectory = dir, CheckpointSteps = 1, CheckpointsKept = 2,
            // An evaluator, so each checkpoint also holds the best weights so far (best/).
            Evaluator = new Constant(), EvaluationSteps = 1,
        };
        long files0 = DiskFlush.FilesFlushedOnThisThread, folders0 = DiskFlush.FoldersFlushedOnThisThread;
        new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(Pairs());
        CollectionAssert.AreEqual(new[] { "checkpoint-100", "checkpoint-5", "checkpoint-6" }, Entries(dir), "6 steps, every step written, the newest two kept, nothing half-deleted");
        // Older checkpoints are deleted only after the newer one is on disk: every file of every checkpoint was flushed,
        // once. A file written through its own AtomicFile or AtomicDirectory inside the checkpoint would be flushed
        // twice and flush its folder once more.
        string last = Path.Combine(dir, "checkpoint-6");
        Assert.IsTrue(Directory.Exists(Path.Combine(last, "best")), "the best weights are in the checkpoint");
        int files = Directory.GetFiles(last, "*", SearchOption.AllDirectories).Length;
        int folders = Directory.GetDirectories(last, "*", SearchOption.AllDirectories).Length + 2; // its own and its parent
        Assert.AreEqual(6L * files, DiskFlush.FilesFlushedOnThisThread - files0, $"files flushed for 6 checkpoints of {files} files each");
        Assert.AreEqual(6L * folders, DiskFlush.FoldersFlushedOnThisThread - folders0, $"folders flushed for 6 checkpoints of {folders} each");
    }

    private sealed class Constant : ISentenceEvaluator
    {
        public string PrimaryMetric => "score";
        public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default) =>
            new Dictionary<string, double> { ["score"] = 0.5 };
    }

    [TestMethod]
    public void RemoveTakesTheCheckpointsAndWhatAKillLeftButNothingElse()
    {
        string dir = Fixtures.NewTempDir(), folder = Path.Combine(dir, "run.checkpoints");
        foreach (string name in new[] { "checkpoint-4", "checkpoint-8", ".checkpoint-12.x1y2.tmp", ".checkpoint-8.z3.old" }) Directory.CreateDirectory(Path.Combine(folder, name));
        TrainingCheckpoints.Remove(folder);
        Assert.IsFalse(Directory.Exists(folder), "checkpoints and a kill's partial one removed, then the empty folder");
        foreach (string name in new[] { "checkpoint-4", "notes" }) Directory.CreateDirectory(Path.Combine(folder, name));
        TrainingCheckpoints.Remove(folder);
        CollectionAssert.AreEqual(new[] { "notes" }, Entries(folder), "what is not a checkpoint stays, and so does its folder");
    }

    [TestMethod]
    public void CheckpointsKeptMustNotBeNegative()
    {
        using var encoder = Fixtures.Tiny();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new SiameseTrainer(encoder, new CosineSimilarityLoss(), new SiameseTrainingOptions { CheckpointsKept = -1 }));
        Assert.AreEqual("CheckpointsKept", e.ParamName);
    }
}
