using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Training;

[TestClass]
public class SiameseTrainerTests
{
    private static readonly string[] Words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread" };

    private static List<TrainingExample> Pairs(int n) => Enumerable.Range(0, n)
        .Select(i => TrainingExample.Pair($"the {Words[i % 8]} is here", $"a {Words[(i * 3) % 8]} is there", i % 8 == (i * 3) % 8 ? 1.0 : 0.1))
        .ToList();

    private static SiameseTrainingOptions Fast(int epochs = 1) => new() { BatchSize = 4, LearningRate = 1e-3, Epochs = epochs, Seed = 7 };

    [TestMethod]
    public void AFewStepsReduceTheLoss()
    {
        using var encoder = Fixtures.Tiny(seed: 3);
        var history = new SiameseTrainer(encoder, new CosineSimilarityLoss(), Fast(epochs: 10)).Train(Pairs(16)).Steps;
        Assert.AreEqual(40, history.Count);
        double first = history.Take(4).Average(h => h.Loss), last = history.TakeLast(4).Average(h => h.Loss);
        Assert.IsTrue(last < 0.5 * first, $"loss {first:F4} -> {last:F4}");
    }

    /// <summary>Runs a callback on the training thread at each step.</summary>
    private sealed class OnStep(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }

    [TestMethod]
    public void EncodingFromAnotherThreadDuringTrainingIsRefusedAndFromTheTrainingThreadAllowed()
    {
        using var encoder = Fixtures.Tiny(seed: 3);
        Exception? elsewhere = null;
        float[]? onTrainingThread = null;
        var options = Fast();
        options.Progress = new OnStep(p =>
        {
            if (p.Step != 1) return;
            onTrainingThread = encoder.Encode("the cat is here");
            var other = new Thread(() =>
            {
                try { encoder.Encode("the cat is here"); }
                catch (Exception e) { elsewhere = e; }
            });
            other.Start();
            other.Join();
        });
        new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(Pairs(8));
        Assert.IsNotNull(onTrainingThread, "the training thread may encode (dev evaluation)");
        Assert.IsInstanceOfType<InvalidOperationException>(elsewhere);
        StringAssert.Contains(elsewhere!.Message, "being trained on another thread");
        // After Train returns, any thread may encode again.
        float[]? after = null;
        var later = new Thread(() => after = encoder.Encode("the cat is here"));
        later.Start();
        later.Join();
        Assert.IsNotNull(after);
    }

    [TestMethod]
    public void ShuffleAndDropoutSeedsAreTheSameInEveryProcess()
    {
        // Pinned values of the splitmix64 mix: a per-process hash (HashCode.Combine) here once made runs differ.
        Assert.AreEqual(1086936620, TrainingLoop.StableSeed(42, 0));
        Assert.AreEqual(177822121, TrainingLoop.StableSeed(42, 1));
        Assert.AreEqual(925590646, TrainingLoop.StableSeed(7, 123));
    }

    [TestMethod]
    public void BFloat16AutocastTrainsAndKeepsFloat32Weights()
    {
        using var encoder = Fixtures.Tiny(seed: 3);
        var options = Fast(epochs: 10);
        options.Precision = Precision.BFloat16;
        var history = new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(Pairs(16)).Steps;
        double first = history.Take(4).Average(h => h.Loss), last = history.TakeLast(4).Average(h => h.Loss);
        Assert.IsTrue(last < 0.5 * first, $"loss {first:F4} -> {last:F4}");
        Assert.IsTrue(encoder.Model.parameters().All(p => p.dtype == ScalarType.Float32), "autocast must not change the weights' type");
        Assert.IsFalse(SentenceEmbeddings.Native.Autocast.IsEnabled, "the trainer must close its autocast scope");
    }

    [TestMethod]
    public void GradientsReachTheSharedEncoderAndTheSoftmaxHead()
    {
        using var encoder = Fixtures.Tiny(seed: 3);
        using var loss = new SoftmaxLoss(encoder.Dimension, 3);
        var before = StateDict.Export(encoder.Model).ToDictionary(a => a.Name, a => a.Data);
        using var head = loss.Classifier.weight!.detach().clone();
        var data = Pairs(8).Select((e, i) => e with { Label = i % 3 }).ToList();
        new SiameseTrainer(encoder, loss, Fast()).Train(data);
        var after = StateDict.Export(encoder.Model).ToDictionary(a => a.Name, a => a.Data);
        foreach (var name in new[] { "embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight", "encoder.layer.1.output.dense.bias" })
            CollectionAssert.AreNotEqual(before[name], after[name], name);
        CollectionAssert.AreNotEqual(head.data<float>().ToArray(), loss.Classifier.weight!.detach().data<float>().ToArray(), "the classifier W must train too");
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameWeights()
    {
        float[] Run()
        {
            using var encoder = Fixtures.Tiny(seed: 5);
            new SiameseTrainer(encoder, new TripletLoss(), Fast(epochs: 2))
                .Train(Enumerable.Range(0, 8).Select(i => TrainingExample.Triplet($"a {Words[i]}", $"the {Words[i]}", $"no {Words[(i + 1) % 8]}")).ToList());
            return StateDict.Export(encoder.Model).SelectMany(a => a.Data).ToArray();
        }
        CollectionAssert.AreEqual(Run(), Run());
    }

    [TestMethod]
    public void BadDataNamesTheRowAndColumn()
    {
        using var encoder = Fixtures.Tiny();
        var trainer = new SiameseTrainer(encoder, new CosineSimilarityLoss(), Fast());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.Train(new List<TrainingExample>())).Message, "empty");
        var withNull = Pairs(3);
        withNull[1] = new TrainingExample(new[] { null, "x" }, 0.5);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.Train(withNull)).Message, "Row 1, column 0");
        var nan = Pairs(3);
        nan[2] = nan[2] with { Label = double.NaN };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.Train(nan)).Message, "Row 2, label");
        using var softmax = new SoftmaxLoss(encoder.Dimension, 3);
        var outOfRange = Pairs(3).Select((e, i) => e with { Label = i == 2 ? 3 : 0 }).ToList();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SiameseTrainer(encoder, softmax, Fast()).Train(outOfRange)).Message, "Row 2, label: 3 is not a class index in 0..2");
        var triplets = Pairs(2);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SiameseTrainer(encoder, new TripletLoss(), Fast()).Train(triplets)).Message, "TripletLoss expects 3");
    }

    private sealed class NaNLoss : ISentenceLoss
    {
        public int Columns => 2;
        public LabelKind Labels => LabelKind.None;
        public string? CheckLabel(double label) => null;
        public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();
        public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels) => (embeddings[0].sum() * double.NaN);
    }

    [TestMethod]
    public void ANonFiniteLossStopsTrainingWithAClearError()
    {
        using var encoder = Fixtures.Tiny();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new SiameseTrainer(encoder, new NaNLoss(), Fast()).Train(Pairs(4)));
        StringAssert.Contains(e.Message, "NaN at step 1");
    }

    [TestMethod]
    public void CancellationStopsBeforeTheNextStep()
    {
        using var encoder = Fixtures.Tiny();
        using var cts = new CancellationTokenSource();
        var options = Fast();
        options.CancellationToken = cts.Token;
        options.Progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 2) cts.Cancel(); });
        Assert.ThrowsExactly<OperationCanceledException>(() => new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(Pairs(16)));
    }

    private static List<TrainingExample> Triplets() =>
        Enumerable.Range(0, 12).Select(i => TrainingExample.Triplet($"a {Words[i % 8]}", $"the {Words[i % 8]}", $"no {Words[(i + 1) % 8]}")).ToList();

    [TestMethod]
    public void ResumingFromACheckpointGivesTheWeightsOfAnUninterruptedRun()
    {
        float[] Weights(SentenceEncoder e) => StateDict.Export(e.Model).SelectMany(a => a.Data).ToArray();
        using var straight = Fixtures.Tiny(seed: 9);
        new SiameseTrainer(straight, new TripletLoss(), Fast(epochs: 2)).Train(Triplets());

        string dir = Fixtures.NewTempDir();
        using (var first = Fixtures.Tiny(seed: 9))
        {
            var options = Fast(epochs: 2);
            options.CheckpointDirectory = dir;
            options.CheckpointSteps = 4; // 3 steps per epoch: the checkpoint falls inside the second epoch
            options.CancellationToken = new CancellationTokenSource().Token;
            options.Progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 5) throw new OperationCanceledException("interrupted"); });
            Assert.ThrowsExactly<OperationCanceledException>(() => new SiameseTrainer(first, new TripletLoss(), options).Train(Triplets()));
        }
        Assert.IsTrue(Directory.Exists(Path.Combine(dir, "checkpoint-4")));
        using var resumed = Fixtures.Tiny(seed: 123); // different start: everything must come from the checkpoint
        var result = new SiameseTrainer(resumed, new TripletLoss(), Fast(epochs: 2)).Train(Triplets(), resumeFrom: Path.Combine(dir, "checkpoint-4"));
        Assert.AreEqual(6, result.Steps.Count, "steps 1-4 come back from the checkpoint, 5 and 6 are run");
        CollectionAssert.AreEqual(Weights(straight), Weights(resumed));
    }

    /// <summary>A metric that is a pure function of the weights and falls as training moves them: the first evaluation scores best.</summary>
    private sealed class DistanceFromStart(float[] start) : ISentenceEvaluator
    {
        public string PrimaryMetric => "score";
        public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default)
        {
            var w = StateDict.Export(encoder.Model).SelectMany(a => a.Data).ToArray();
            double d = Math.Sqrt(w.Zip(start).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
            return new Dictionary<string, double> { ["score"] = -d, ["undefined"] = double.NaN };
        }
    }

    [TestMethod]
    public void AResumedRunKeepsTheBestWeightsMetricAndHistoryOfBeforeTheInterruption()
    {
        float[] Weights(SentenceEncoder e) => StateDict.Export(e.Model).SelectMany(a => a.Data).ToArray();
        float[] start;
        using (var initial = Fixtures.Tiny(seed: 9)) start = Weights(initial);
        SiameseTrainingOptions Options()
        {
            var o = Fast(epochs: 2);
            o.Evaluator = new DistanceFromStart(start);
            o.EvaluationSteps = 2; // evaluations after steps 2, 4, 6; step 2 scores best
            return o;
        }
        using var straight = Fixtures.Tiny(seed: 9);
        var expected = new SiameseTrainer(straight, new TripletLoss(), Options()).Train(Triplets());
        Assert.AreEqual(2, expected.BestStep);

        string dir = Fixtures.NewTempDir();
        using (var first = Fixtures.Tiny(seed: 9))
        {
            var options = Options();
            options.CheckpointDirectory = dir;
            options.CheckpointSteps = 4;
            options.Progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == 5) throw new OperationCanceledException("interrupted"); });
            Assert.ThrowsExactly<OperationCanceledException>(() => new SiameseTrainer(first, new TripletLoss(), options).Train(Triplets()));
        }
        using var resumed = Fixtures.Tiny(seed: 123);
        var result = new SiameseTrainer(resumed, new TripletLoss(), Options()).Train(Triplets(), resumeFrom: Path.Combine(dir, "checkpoint-4"));

        Assert.AreEqual(expected.BestStep, result.BestStep, "the best step is chosen among evaluations before and after the interruption");
        CollectionAssert.AreEqual(Weights(straight), Weights(resumed), "the resumed run ends with step 2's weights, as the uninterrupted one");
        CollectionAssert.AreEqual(expected.Evaluations.Select(e => e.Step).ToArray(), result.Evaluations.Select(e => e.Step).ToArray());
        CollectionAssert.AreEqual(expected.Evaluations.Select(e => e.PrimaryMetric).ToArray(), result.Evaluations.Select(e => e.PrimaryMetric).ToArray());
        Assert.IsTrue(result.Evaluations.All(e => double.IsNaN(e.Metrics["undefined"])), "a NaN metric survives the checkpoint");
        CollectionAssert.AreEqual(expected.Steps.Select(p => (p.Step, p.Epoch, p.Loss, p.LearningRate)).ToArray(),
            result.Steps.Select(p => (p.Step, p.Epoch, p.Loss, p.LearningRate)).ToArray(), "the loss history, exactly");
    }

    [TestMethod]
    public void AMalformedOrForeignCheckpointIsRefusedNamingTheFile()
    {
        string dir = Fixtures.NewTempDir();
        using (var first = Fixtures.Tiny(seed: 9))
        {
            var options = Fast(epochs: 2);
            options.CheckpointDirectory = dir;
            options.CheckpointSteps = 4;
            new SiameseTrainer(first, new TripletLoss(), options).Train(Triplets());
        }
        string checkpoint = Path.Combine(dir, "checkpoint-4"), state = Path.Combine(checkpoint, "trainer_state.json");
        using var encoder = Fixtures.Tiny(seed: 9);
        float[] before = StateDict.Export(encoder.Model).SelectMany(a => a.Data).ToArray();
        var longer = Assert.ThrowsExactly<IncompatibleCheckpointException>(() => new SiameseTrainer(encoder, new TripletLoss(), Fast(epochs: 3)).Train(Triplets(), checkpoint));
        StringAssert.Contains(longer.Message, "run of 6 steps, this run has 9");
        Assert.AreEqual(checkpoint, longer.Checkpoint);
        // Refused before anything is loaded, so a caller can train the same encoder from the start instead.
        CollectionAssert.AreEqual(before, StateDict.Export(encoder.Model).SelectMany(a => a.Data).ToArray(), "a refused checkpoint changed the encoder");
        // Same length, another learning rate or objective: the weights were not made by this command line.
        var faster = Fast(epochs: 2);
        faster.LearningRate *= 2;
        var rate = Assert.ThrowsExactly<IncompatibleCheckpointException>(() => new SiameseTrainer(encoder, new TripletLoss(), faster).Train(Triplets(), checkpoint));
        StringAssert.Contains(rate.Message, "trained with learning_rate");
        StringAssert.Contains(rate.Message, state);
        var objective = Assert.ThrowsExactly<IncompatibleCheckpointException>(() =>
            new SiameseTrainer(encoder, new MultipleNegativesRankingLoss(withHardNegative: true), Fast(epochs: 2)).Train(Triplets(), checkpoint));
        StringAssert.Contains(objective.Message, "trained with objective TripletLoss");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(state))!;
        json["history"]![1]!["loss"] = "low";
        File.WriteAllText(state, json.ToJsonString());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new SiameseTrainer(encoder, new TripletLoss(), Fast(epochs: 2)).Train(Triplets(), checkpoint));
        StringAssert.Contains(e.Message, state);
        StringAssert.Contains(e.Message, "'history[1].loss'");
    }

    private sealed class ScriptedEvaluator(params double[] scores) : ISentenceEvaluator
    {
        private int _calls;
        public string PrimaryMetric => "score";
        public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default)
        {
            Assert.IsFalse(encoder.Model.training, "evaluation must run without dropout");
            return new Dictionary<string, double> { ["score"] = scores[_calls++] };
        }
    }

    [TestMethod]
    public void EvaluatesEveryNStepsAndKeepsTheBestWeights()
    {
        // Pass 1: record the weights after each step.
        var snapshots = new List<float[]>();
        using (var probe = Fixtures.Tiny(seed: 4))
        {
            var options = Fast(epochs: 2);
            options.Progress = new SynchronousProgress<TrainingProgress>(_ => snapshots.Add(StateDict.Export(probe.Model).SelectMany(a => a.Data).ToArray()));
            new SiameseTrainer(probe, new CosineSimilarityLoss(), options).Train(Pairs(8));
        }
        // Pass 2: same run, evaluated after steps 2 and 4 (the last): the first evaluation scores best.
        using var encoder = Fixtures.Tiny(seed: 4);
        var withEval = Fast(epochs: 2);
        withEval.Evaluator = new ScriptedEvaluator(0.9, 0.5);
        withEval.EvaluationSteps = 2;
        var result = new SiameseTrainer(encoder, new CosineSimilarityLoss(), withEval).Train(Pairs(8));
        CollectionAssert.AreEqual(new[] { 2, 4 }, result.Evaluations.Select(e => e.Step).ToArray());
        Assert.AreEqual(2, result.BestStep);
        CollectionAssert.AreEqual(snapshots[1], StateDict.Export(encoder.Model).SelectMany(a => a.Data).ToArray(), "the encoder holds step 2's weights");
        Assert.IsFalse(encoder.Model.training, "the encoder is back in eval mode");
    }

    [TestMethod]
    public void TrainingLeavesNoTensorsBehind()
    {
        using var encoder = Fixtures.Tiny(seed: 2);
        var trainer = new SiameseTrainer(encoder, new CosineSimilarityLoss(), Fast());
        trainer.Train(Pairs(8)); // warm-up: kernels, allocator
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Train(Pairs(32));
        Assert.AreEqual(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount,
            "every tensor of a step (activations, gradients' temporaries, optimizer state) must be released");
    }

    [TestMethod]
    public void WarmupThenLinearDecay()
    {
        // 10 steps, 1 of warm-up: 1.0 at step 0, then 9/9 .. 1/9 of the peak.
        Assert.AreEqual(1.0, LearningRateSchedule.WarmupLinear(0, 10, 1, 1.0), 1e-12);
        Assert.AreEqual(1.0, LearningRateSchedule.WarmupLinear(1, 10, 1, 1.0), 1e-12);
        Assert.AreEqual(1.0 / 9, LearningRateSchedule.WarmupLinear(9, 10, 1, 1.0), 1e-12);
        Assert.AreEqual(0.5, LearningRateSchedule.WarmupLinear(1, 100, 4, 1.0), 1e-12);
    }

    /// <summary>Records the norms of the vectors the trainer hands it; its loss is zero so nothing moves.</summary>
    private sealed class NormRecorder(bool beforeNormalize) : ISentenceLoss
    {
        public List<float> Norms { get; } = new();
        public int Columns => 2;
        public LabelKind Labels => LabelKind.None;
        public bool BeforeNormalize => beforeNormalize;
        public string? CheckLabel(double label) => null;
        public IEnumerable<Parameter> Parameters => Array.Empty<Parameter>();
        public Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels)
        {
            foreach (var e in embeddings) Norms.AddRange(e.detach().norm(1).data<float>().ToArray());
            return (embeddings[0].sum() + embeddings[1].sum()) * 0;
        }
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void ALossThatAsksForItSeesTheVectorBeforeNormalize(bool beforeNormalize)
    {
        using var encoder = Fixtures.Tiny(seed: 5, new SentenceEncoderOptions { Normalize = true });
        Assert.IsTrue(encoder.Normalizes, "the fixture must end in a Normalize module for this test to mean anything");
        var recorder = new NormRecorder(beforeNormalize);
        new SiameseTrainer(encoder, recorder, Fast()).Train(Pairs(8));
        Assert.AreEqual(16, recorder.Norms.Count);
        bool allUnit = recorder.Norms.All(n => Math.Abs(n - 1) < 1e-4);
        Assert.AreEqual(!beforeNormalize, allUnit, $"norms seen by the loss: {string.Join(", ", recorder.Norms.Take(4))}");
    }
}
