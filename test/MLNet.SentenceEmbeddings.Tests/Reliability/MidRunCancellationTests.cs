using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Reliability;

/// <summary>
/// A token cancelled while work is under way (not before the call): encoding, the generator, the ML.NET transform
/// and training stop between batches with an OperationCanceledException, and what they leave behind still works.
/// </summary>
[TestClass]
public class MidRunCancellationTests
{
    private static List<string?> Sentences(int n)
    {
        var some = Fixtures.StsbSentences(200);
        return Enumerable.Range(0, n).Select(i => (string?)(some[i % some.Count] + (i >= some.Count ? $" ({i})" : ""))).ToList();
    }

    /// <summary>Cancels <paramref name="cts"/> once <paramref name="encoder"/> has run <paramref name="batches"/> more forward passes.</summary>
    private static Thread CancelAfterBatches(SentenceEncoder encoder, CancellationTokenSource cts, int batches)
    {
        long target = encoder.ForwardPasses + batches;
        var watcher = new Thread(() =>
        {
            while (encoder.ForwardPasses < target && !cts.IsCancellationRequested) Thread.Sleep(1);
            cts.Cancel();
        });
        watcher.Start();
        return watcher;
    }

    [TestMethod]
    public void EncodeStopsBetweenBatchesAndTheEncoderStillWorks()
    {
        var encoder = Fixtures.MiniLm;
        var sentences = Sentences(800);
        var before = encoder.Encode(sentences.Take(3).ToList());
        long passes = encoder.ForwardPasses;
        using var cts = new CancellationTokenSource();
        var watcher = CancelAfterBatches(encoder, cts, 2);
        Assert.ThrowsExactly<OperationCanceledException>(() => encoder.Encode(sentences, cts.Token));
        watcher.Join();
        long ran = encoder.ForwardPasses - passes;
        int batches = (800 + encoder.Options.BatchSize - 1) / encoder.Options.BatchSize;
        Assert.IsTrue(ran >= 2 && ran < batches, $"{ran} of {batches} batches ran: cancelled mid-run");
        var after = encoder.Encode(sentences.Take(3).ToList());
        for (int i = 0; i < 3; i++) CollectionAssert.AreEqual(before[i], after[i], "the encoder is unchanged by the cancelled call");
    }

    [TestMethod]
    public async Task GeneratorStopsBetweenBatches()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm);
        var sentences = Sentences(800).Select(s => s!).ToList();
        long passes = Fixtures.MiniLm.ForwardPasses;
        using var cts = new CancellationTokenSource();
        var watcher = CancelAfterBatches(Fixtures.MiniLm, cts, 2);
        await Assert.ThrowsAsync<OperationCanceledException>(() => generator.GenerateAsync(sentences, cancellationToken: cts.Token));
        watcher.Join();
        Assert.IsTrue(Fixtures.MiniLm.ForwardPasses - passes < 800 / Fixtures.MiniLm.Options.BatchSize, "cancelled mid-run");
        Assert.AreEqual(2, (await generator.GenerateAsync(new[] { "still", "works" })).Count);
    }

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    [TestMethod]
    public void MLNetTransformStopsWhileAWindowIsBeingEmbedded()
    {
        // The cursor embeds rows a window (64 batches) at a time; a cancellation takes effect between the batches of it.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Sentences(600).Select(s => new TextRow { Text = s! }).ToList());
        using var cts = new CancellationTokenSource();
        var options = new SentenceEmbeddingOptions { Columns = new[] { new InputOutputColumnPair("Features", "Text") }, EncoderInstance = Fixtures.MiniLm, CancellationToken = cts.Token };
        using var transformer = ml.Transforms.SentenceEmbedding(options).Fit(data);
        var view = transformer.Transform(data);
        long passes = Fixtures.MiniLm.ForwardPasses;
        int read = 0;
        var watcher = CancelAfterBatches(Fixtures.MiniLm, cts, 2);
        Assert.ThrowsExactly<OperationCanceledException>(() =>
        {
            using var cursor = view.GetRowCursor(view.Schema.Where(c => c.Name == "Features"));
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
            VBuffer<float> value = default;
            while (cursor.MoveNext()) { getter(ref value); read++; }
        });
        watcher.Join();
        long ran = Fixtures.MiniLm.ForwardPasses - passes;
        Assert.IsTrue(ran >= 2 && ran < 600 / Fixtures.MiniLm.Options.BatchSize, $"{ran} batches ran before the cancellation took effect");
        Assert.AreEqual(0, read, "no row is served from a window that was not completed");
    }

    private static readonly string[] Words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread" };

    private static List<TrainingExample> Triplets() =>
        Enumerable.Range(0, 24).Select(i => TrainingExample.Triplet($"a {Words[i % 8]}", $"the {Words[i % 8]}", $"no {Words[(i + 1) % 8]}")).ToList();

    private static SiameseTrainingOptions Options(string? checkpoints = null) => new()
    {
        BatchSize = 4, LearningRate = 1e-3, Epochs = 2, Seed = 7, CheckpointDirectory = checkpoints, CheckpointSteps = checkpoints is null ? 0 : 4,
    };

    [TestMethod]
    public void TrainingStopsMidRunAndItsLastCheckpointResumesToTheSameWeights()
    {
        float[] Weights(SentenceEncoder e) => StateDict.Export(e.Model).SelectMany(a => a.Data).ToArray();
        using var straight = Fixtures.Tiny(seed: 9);
        new SiameseTrainer(straight, new TripletLoss(), Options()).Train(Triplets());

        string dir = Fixtures.NewTempDir();
        using var cts = new CancellationTokenSource();
        using (var first = Fixtures.Tiny(seed: 9))
        {
            var options = Options(dir);
            options.CancellationToken = cts.Token;
            options.Progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 7) cts.Cancel(); }); // 6 steps per epoch: inside epoch 2
            Assert.ThrowsExactly<OperationCanceledException>(() => new SiameseTrainer(first, new TripletLoss(), options).Train(Triplets()));
        }
        CollectionAssert.AreEqual(new[] { "checkpoint-4" }, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray(),
            "one complete checkpoint and no temporary folder");
        using var resumed = Fixtures.Tiny(seed: 123);
        new SiameseTrainer(resumed, new TripletLoss(), Options()).Train(Triplets(), resumeFrom: Path.Combine(dir, "checkpoint-4"));
        CollectionAssert.AreEqual(Weights(straight), Weights(resumed));
    }
}
