using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.CrossEncoding;

[TestClass]
public class CrossEncoderTrainerTests
{
    private static readonly string[] Words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread" };

    /// <summary>Symmetric toy data: a pair scores 1 when either sentence names an animal; every pair appears in both orders.</summary>
    private static List<TrainingExample> SymmetricPairs()
    {
        var list = new List<TrainingExample>();
        for (int i = 0; i < 8; i++)
            for (int j = 1; j < 8; j += 3)
            {
                string a = $"the {Words[i]} is here", b = $"a {Words[(i + j) % 8]} is there";
                double label = i < 2 || (i + j) % 8 < 2 ? 1 : 0;
                list.Add(TrainingExample.Pair(a, b, label));
                list.Add(TrainingExample.Pair(b, a, label));
            }
        return list;
    }

    /// <summary>The symmetric pairs labelled by how many of their two sentences name an animal, over two: three grades.</summary>
    private static List<TrainingExample> ThreeGradePairs() =>
        SymmetricPairs().Select(e => e with { Label = (Words.Take(2).Any(e.Texts[0]!.Contains) ? 0.5 : 0) + (Words.Take(2).Any(e.Texts[1]!.Contains) ? 0.5 : 0) }).ToList();

    private static CrossEncoderTrainingOptions Fast(int epochs) => new() { BatchSize = 8, LearningRate = 5e-3, Epochs = epochs, Seed = 3, WarmupFraction = 0.1 };

    private static double Asymmetry(CrossEncoder ce, IReadOnlyList<TrainingExample> data)
    {
        var ab = ce.Predict(data.Select(e => (e.Texts[0], e.Texts[1])).ToList());
        var ba = ce.Predict(data.Select(e => (e.Texts[1], e.Texts[0])).ToList());
        return ab.Zip(ba, (x, y) => Math.Abs(x - y)).Average();
    }

    /// <summary>
    /// The trainer moves a cross-sentence gate at the head's learning rate and leaves it out of weight decay, which would
    /// pull every bias toward 0 (reading across) whether the loss asks for it or not.
    /// </summary>
    [TestMethod]
    public void ACrossSentenceGateTrainsAtTheHeadsRateWithoutDecay()
    {
        using var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 2,
            pooling: Pooling.PoolingMode.Mean, compareSegments: true, crossSentenceGate: -4);
        var gate = ce.Head.CrossSentenceGate!.parameters().Single();
        var options = new CrossEncoderTrainingOptions { BatchSize = 8, Epochs = 2, Seed = 3, LearningRate = 1e-5, HeadLearningRate = 1e-1 };
        Assert.AreEqual(1L, gate.dim(), "AdamW decays the parameters of two or more dimensions only");
        new CrossEncoderTrainer(ce, options).Train(SymmetricPairs());
        using var moved = (gate + 4).abs();
        Assert.IsTrue(moved.max().item<float>() > 0.1, $"the gate moved at most {moved.max().item<float>():F4} at the head's rate");
    }

    [TestMethod]
    public void TrainingOnSymmetricDataLearnsTheTaskAndIsSymmetricEnough() => KeepingLibtorchThreads(TrainOnSymmetricData);

    /// <summary>Runs a test whose model sets libtorch's process-wide thread count to one, then restores the count for the tests after it.</summary>
    private static void KeepingLibtorchThreads(Action test)
    {
        int threads = TorchSharp.torch.get_num_threads();
        try { test(); }
        finally { TorchSharp.torch.set_num_threads(threads); }
    }

    private static void TrainOnSymmetricData()
    {
        // One libtorch thread: the reduction order, hence the trained weights, do not depend on what ran before.
        using var ce = CrossEncoderTests.Tiny(seed: 4, options: new SentenceEncoderOptions { Threads = 1 });
        var data = SymmetricPairs();
        var result = new CrossEncoderTrainer(ce, Fast(epochs: 8)).Train(data);
        double first = result.Steps.Take(4).Average(s => s.Loss), last = result.Steps.TakeLast(4).Average(s => s.Loss);
        Assert.IsTrue(last < 0.5 * first, $"loss {first:F4} -> {last:F4}");
        var scores = ce.Predict(data.Select(e => (e.Texts[0], e.Texts[1])).ToList());
        double positives = scores.Where((_, i) => data[i].Label == 1).Average(), negatives = scores.Where((_, i) => data[i].Label == 0).Average();
        // "Symmetric enough": swapping the sentences moves a score far less than the gap the model learnt between classes.
        double asymmetry = Asymmetry(ce, data);
        Assert.IsTrue(positives - negatives > 0.25, $"positives {positives:F3}, negatives {negatives:F3}, asymmetry {asymmetry:F4}");
        Assert.IsTrue(asymmetry < 0.15 * (positives - negatives), $"mean |f(a,b) - f(b,a)| = {asymmetry:F4}, class gap {positives - negatives:F3}");
    }

    /// <summary>
    /// PairRanking trains the order of the scores: while the logits are near equal, each ordered pair of a batch adds
    /// about exp(0) = 1 inside the log, so the first epoch's loss is far above binary cross-entropy's ln 2; after
    /// training the scores order three grades of pairs as the labels do.
    /// </summary>
    [TestMethod]
    public void PairRankingOrdersTheScoresAsTheLabels() => KeepingLibtorchThreads(TrainWithPairRanking);

    private static void TrainWithPairRanking()
    {
        using var ce = CrossEncoderTests.Tiny(seed: 4, options: new SentenceEncoderOptions { Threads = 1 });
        var data = ThreeGradePairs();
        Assert.AreEqual(3, data.Select(e => e.Label).Distinct().Count(), "three grades");
        var options = Fast(epochs: 8);
        options.Loss = CrossEncoderLoss.PairRanking;
        var result = new CrossEncoderTrainer(ce, options).Train(data);
        double firstEpoch = result.Steps.Take(data.Count / options.BatchSize).Average(s => s.Loss);
        Assert.IsTrue(firstEpoch > 1.5, $"first epoch's mean loss {firstEpoch:F3}: the ranking loss, not binary cross-entropy");
        double spearman = Spearman(ce, data);
        Assert.IsTrue(spearman > 0.8, $"Spearman of scores with labels {spearman:F3}");
    }

    /// <summary>
    /// CosineRanking is CoSENT on the cosine a comparing head reads: the gate and encoder learn to order three grades of
    /// pairs while the head's weight and bias, outside the loss, stay where they started; a [CLS] head has no such
    /// cosine and is refused before training.
    /// </summary>
    [TestMethod]
    public void CosineRankingOrdersTheCosinesAndLeavesTheHeadAlone() => KeepingLibtorchThreads(TrainWithCosineRanking);

    private static void TrainWithCosineRanking()
    {
        using var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 2,
            options: new SentenceEncoderOptions { Threads = 1 }, pooling: Pooling.PoolingMode.Mean, compareSegments: true, crossSentenceGate: -4);
        var data = ThreeGradePairs();
        var head = ce.Head.named_parameters().Where(p => p.name.StartsWith("classifier.", StringComparison.Ordinal)).ToDictionary(p => p.name, p => p.parameter.detach().clone());
        Assert.AreEqual(2, head.Count, "the classifier's weight and bias");
        var gate = ce.Head.CrossSentenceGate!.parameters().Single();
        var options = Fast(epochs: 8);
        options.Loss = CrossEncoderLoss.CosineRanking;
        options.HeadLearningRate = 1e-1;
        double before = Spearman(ce, data);
        new CrossEncoderTrainer(ce, options).Train(data);
        double after = Spearman(ce, data);
        Assert.IsTrue(after > 0.8 && after > before + 0.2, $"Spearman of scores with labels {before:F3} -> {after:F3}");
        foreach (var (name, p) in ce.Head.named_parameters().Where(p => head.ContainsKey(p.name)))
            Assert.IsTrue(p.detach().equal(head[name]).item<bool>(), $"{name} trained, though the loss never reads it");
        using var moved = (gate + 4).abs();
        Assert.IsTrue(moved.max().item<float>() > 0.01, "the gate trains through the cosine");
        foreach (var t in head.Values) t.Dispose();

        using var cls = CrossEncoderTests.Tiny(seed: 4);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new CrossEncoderTrainer(cls, options));
        StringAssert.Contains(e.Message, "compareSegments");
    }

    private static double Spearman(CrossEncoder ce, IReadOnlyList<TrainingExample> data) =>
        Correlation.Spearman(ce.Predict(data.Select(e => (e.Texts[0], e.Texts[1])).ToList()).Select(x => (double)x).ToList(), data.Select(e => e.Label).ToList());

    /// <summary>
    /// Logits 0 and ln 3 score sigmoid 1/2 and 3/4; the first pair's label is the higher, so the one misordered
    /// term is 20 (3/4 − 1/2) = 5: log(1 + e^5). Binary cross-entropy and MSE on the same tensors for contrast.
    /// </summary>
    [TestMethod]
    public void OneLabelLossesOnHandComputedTensors()
    {
        using var logit = TorchSharp.torch.tensor(new[] { 0f, (float)Math.Log(3) });
        using var target = TorchSharp.torch.tensor(new[] { 1f, 0f });
        double Loss(CrossEncoderLoss loss)
        {
            using var value = CrossEncoderTrainer.OneLabelLoss(loss, logit, target);
            return value.item<float>();
        }
        Assert.AreEqual(Math.Log(1 + Math.Exp(5)), Loss(CrossEncoderLoss.PairRanking), 1e-4);
        Assert.AreEqual((Math.Log(2) + Math.Log(4)) / 2, Loss(CrossEncoderLoss.BinaryCrossEntropy), 1e-4);
        Assert.AreEqual((0.25 + 0.5625) / 2, Loss(CrossEncoderLoss.MeanSquaredError), 1e-6);
        using var wellOrdered = TorchSharp.torch.tensor(new[] { 5f, 0f });
        using var small = CrossEncoderTrainer.OneLabelLoss(CrossEncoderLoss.PairRanking, wellOrdered, target);
        Assert.IsTrue(small.item<float>() < 1e-3, "a well-ordered batch costs almost nothing");
        Assert.ThrowsExactly<ArgumentException>(() => PairRankingLoss.OfScores(logit.unsqueeze(1), target));
    }

    [TestMethod]
    public void ClassificationTrainsTheHeadAndTheEncoderReproducibly()
    {
        float[] Run()
        {
            using var ce = CrossEncoderTests.Tiny(labels: 3, pooler: false, seed: 2);
            var before = StateDict.Export(ce.Model).Single(a => a.Name == "encoder.layer.0.attention.self.query.weight").Data;
            var data = SymmetricPairs().Select((e, i) => e with { Label = i % 3 }).ToList();
            var evaluator = new CrossEncoderAccuracyEvaluator(data);
            var result = new CrossEncoderTrainer(ce, new CrossEncoderTrainingOptions { BatchSize = 8, Epochs = 1, Seed = 9, LearningRate = 1e-3, Evaluator = evaluator, EvaluationSteps = 4 }).Train(data);
            Assert.AreEqual(2, result.Evaluations.Count, "after steps 4 and 6 (the last)");
            var after = StateDict.Export(ce.Model).Single(a => a.Name == "encoder.layer.0.attention.self.query.weight").Data;
            CollectionAssert.AreNotEqual(before, after, "the encoder trains, not just the head");
            return StateDict.Export(ce.Head).SelectMany(a => a.Data).Concat(after).ToArray();
        }
        CollectionAssert.AreEqual(Run(), Run());
    }

    /// <summary>
    /// The defect behind a cross-encoder below its bi-encoder was the bi-encoder's 2e-5, at which Adam barely moves a
    /// cross-encoder started from a sentence encoder: the cross-encoder's own default is higher.
    /// </summary>
    [TestMethod]
    public void TheCrossEncoderTrainsAtItsOwnDefaultRateAboveThePapers()
    {
        Assert.AreEqual(CrossEncoderTrainingOptions.DefaultLearningRate, new CrossEncoderTrainingOptions().LearningRate);
        Assert.AreEqual(TrainingOptions.PaperLearningRate, new SiameseTrainingOptions().LearningRate, "the bi-encoder keeps the paper's rate");
    }

    /// <summary>HeadLearningRate reaches the cross-encoder's new classifier and only it: BERT's pooler trains with the encoder.</summary>
    [TestMethod]
    public void HeadLearningRateMovesTheClassifierAndNotTheEncoderOrPoolerFaster()
    {
        using var ce = CrossEncoderTests.Tiny(seed: 5);
        Assert.IsTrue(ce.Head.HasPooler);
        float[] Weight(TorchSharp.torch.nn.Module m, string name) => StateDict.Export(m).Single(a => a.Name == name).Data;
        var classifier = Weight(ce.Head, "classifier.weight");
        var pooler = Weight(ce.Head, "dense.weight");
        var body = Weight(ce.Model, "encoder.layer.0.attention.self.query.weight");
        var options = new CrossEncoderTrainingOptions { BatchSize = 8, Epochs = 1, Seed = 9, LearningRate = 1e-6, HeadLearningRate = 1e-3, WarmupFraction = 0, WeightDecay = 0 };
        new CrossEncoderTrainer(ce, options).Train(SymmetricPairs().Take(16).ToList());
        static double Moved(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
        double classifierMoved = Moved(classifier, Weight(ce.Head, "classifier.weight"));
        double poolerMoved = Moved(pooler, Weight(ce.Head, "dense.weight"));
        double bodyMoved = Moved(body, Weight(ce.Model, "encoder.layer.0.attention.self.query.weight"));
        // Two steps at the peak and half of it: Adam moves a weight by at most about 1.5 x the peak.
        Assert.IsTrue(classifierMoved > 1e-4, $"classifier moved {classifierMoved}");
        Assert.IsTrue(poolerMoved <= 1.6e-6, $"pooler moved {poolerMoved}");
        Assert.IsTrue(bodyMoved <= 1.6e-6, $"encoder moved {bodyMoved}");
    }

    [TestMethod]
    public void ResumingFromACheckpointGivesTheWeightsOfAnUninterruptedRun()
    {
        var data = SymmetricPairs().Take(24).ToList(); // 3 steps per epoch
        string dir = Fixtures.NewTempDir();
        float[] Weights(CrossEncoder ce) => StateDict.Export(ce.Model).Concat(StateDict.Export(ce.Head)).SelectMany(a => a.Data).ToArray();
        using var full = CrossEncoderTests.Tiny(seed: 5);
        var options = Fast(epochs: 2);
        options.CheckpointDirectory = dir;
        options.CheckpointSteps = 4;
        new CrossEncoderTrainer(full, options).Train(data);
        using var resumed = CrossEncoderTests.Tiny(seed: 99);
        new CrossEncoderTrainer(resumed, Fast(epochs: 2)).Train(data, resumeFrom: Path.Combine(dir, "checkpoint-4"));
        CollectionAssert.AreEqual(Weights(full), Weights(resumed));
    }

    [TestMethod]
    public void BadDataAndMismatchedLossesAreRejected()
    {
        using var ce = CrossEncoderTests.Tiny();
        var trainer = new CrossEncoderTrainer(ce, Fast(1));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.Train(new[] { TrainingExample.Pair("a", "b", 4.2) })).Message, "Row 0, label: 4.2 is outside [0, 1]");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.Train(new[] { TrainingExample.Triplet("a", "b", "c") })).Message, "expects 2");
        Assert.ThrowsExactly<ArgumentException>(() => new CrossEncoderTrainer(ce, new CrossEncoderTrainingOptions { Loss = CrossEncoderLoss.CrossEntropy }));
    }
}
