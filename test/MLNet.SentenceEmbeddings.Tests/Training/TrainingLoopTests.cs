using MLNet.SentenceEmbeddings.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Training;

[TestClass]
public class TrainingLoopTests
{
    /// <summary>A body (matrix + bias) and an untrained head (matrix + bias); the loss pulls the head's output to 1.</summary>
    private sealed class Target : ITrainingTarget
    {
        public readonly Linear Body = nn.Linear(4, 4), Head = nn.Linear(4, 1);
        public IReadOnlyList<nn.Module> Modules => new nn.Module[] { Body, Head };
        public IReadOnlyList<Parameter> Parameters => Body.parameters().Concat(Head.parameters()).ToList();
        public IReadOnlyList<Parameter> HeadParameters => Head.parameters().ToList();
        public string LossName => "test loss";
        public string? PrimaryMetric => null;
        public Tensor ComputeLoss(IReadOnlyList<TrainingExample> batch) =>
            (Head.forward(Body.forward(ones(batch.Count, 4))) - 1).pow(2).mean();
        public IReadOnlyDictionary<string, double> Evaluate(CancellationToken cancellationToken) => throw new NotSupportedException();
        public void SaveCheckpoint(string folder) => throw new NotSupportedException();
        public void LoadCheckpoint(string folder) => throw new NotSupportedException();
    }

    [TestMethod]
    public void WithoutHeadLearningRateEveryParameterSharesTheRate()
    {
        var target = new Target();
        var (groups, peaks) = TrainingLoop.ParameterGroups(target, new TrainingOptions { LearningRate = 1e-4 });
        CollectionAssert.AreEqual(new[] { 1e-4, 1e-4 }, peaks);
        Assert.AreEqual(4, groups.Sum(g => g.Parameters.Count()));
    }

    [TestMethod]
    public void HeadLearningRateGivesTheHeadItsOwnGroups()
    {
        var target = new Target();
        var (groups, peaks) = TrainingLoop.ParameterGroups(target, new TrainingOptions { LearningRate = 1e-4, HeadLearningRate = 1e-2 });
        CollectionAssert.AreEqual(new[] { 1e-4, 1e-4, 1e-2, 1e-2 }, peaks);
        Assert.IsTrue(groups[2].Parameters.Single() is var w && ReferenceEquals(w, target.Head.weight));
        Assert.IsTrue(groups[3].Parameters.Single() is var b && ReferenceEquals(b, target.Head.bias));
        Assert.AreEqual(0.0, groups[3].Options.weight_decay, "1-D parameters are not decayed");
    }

    /// <summary>Adam moves a weight by about the rate per step: the head moves as far as its own rate says, the body as far as the shared one.</summary>
    [TestMethod]
    public void TheHeadMovesAtItsOwnRate()
    {
        torch.manual_seed(1);
        var target = new Target();
        var headBefore = target.Head.weight!.clone();
        var bodyBefore = target.Body.weight!.clone();
        var examples = Enumerable.Range(0, 8).Select(i => TrainingExample.Pair("a", "b", 0)).ToList();
        TrainingLoop.Run(target, examples, new TrainingOptions { BatchSize = 8, Epochs = 4, WarmupFraction = 0, LearningRate = 1e-5, HeadLearningRate = 1e-2, WeightDecay = 0 }, null);
        double head = (target.Head.weight! - headBefore).abs().max().ToDouble(), body = (target.Body.weight! - bodyBefore).abs().max().ToDouble();
        // Four steps at 1, 3/4, 1/2, 1/4 of the peak: at most 2.5 x the rate each.
        Assert.IsTrue(head > 1e-3 && head <= 2.5e-2 * 1.01, $"head moved {head}");
        Assert.IsTrue(body > 1e-6 && body <= 2.5e-5 * 1.01, $"body moved {body}");
    }

    [TestMethod]
    public void NonPositiveHeadLearningRateIsRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TrainingLoop.Run(new Target(), new[] { TrainingExample.Pair("a", "b", 0) },
            new TrainingOptions { HeadLearningRate = 0 }, null));
        Assert.AreEqual("HeadLearningRate", e.ParamName);
    }
}
