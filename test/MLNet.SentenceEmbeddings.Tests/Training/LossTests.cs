using MLNet.SentenceEmbeddings.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Training;

/// <summary>Each objective on a 3-example batch against a value computed by hand (or by plain double arithmetic).</summary>
[TestClass]
public class LossTests
{
    private static Tensor T(params float[][] rows) => tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

    private static double Value(Tensor t) { using (t) return t.item<float>(); }

    /// <summary>The head's initial weights depend on the seed only, not on random numbers drawn earlier in the process
    /// (reproduce's Table 6 gave another MEAN figure when Tables 1-5 had run before it).</summary>
    [TestMethod]
    public void SoftmaxHeadInitialisationDependsOnTheSeedOnly()
    {
        using var first = new SoftmaxLoss(8, 3, seed: 7);
        using (rand(1000)) { }
        using var again = new SoftmaxLoss(8, 3, seed: 7);
        using var other = new SoftmaxLoss(8, 3, seed: 8);
        Assert.IsTrue(first.Classifier.weight!.allclose(again.Classifier.weight!, rtol: 0, atol: 0));
        Assert.IsTrue(first.Classifier.bias!.allclose(again.Classifier.bias!, rtol: 0, atol: 0));
        Assert.IsFalse(first.Classifier.weight!.allclose(other.Classifier.weight!, rtol: 0, atol: 0));
    }

    [TestMethod]
    public void SoftmaxLossIsCrossEntropyOverWTimesUVAbsDiff()
    {
        using var loss = new SoftmaxLoss(dimension: 2, numLabels: 3);
        using (no_grad())
        {
            // Classes read feature 0 (u1), feature 1 (u2) and feature 5 (|u2 - v2|).
            var w = new float[18];
            w[0 * 6 + 0] = 1; w[1 * 6 + 1] = 1; w[2 * 6 + 5] = 1;
            loss.Classifier.weight!.copy_(tensor(w, new long[] { 3, 6 }));
            loss.Classifier.bias!.zero_();
        }
        using var u = T(new[] { 1f, 0 }, new[] { 0f, 1 }, new[] { 1f, 1 });
        using var v = T(new[] { 0f, 1 }, new[] { 0f, 1 }, new[] { 1f, 0 });
        using var labels = tensor(new long[] { 0, 1, 2 });
        // Features [u; v; |u-v|]: (1,0,0,1,1,1), (0,1,0,1,0,0), (1,1,1,0,0,1) -> logits (1,0,1), (0,1,0), (1,1,1).
        double e = Math.E;
        double expected = ((Math.Log(2 * e + 1) - 1) + (Math.Log(e + 2) - 1) + Math.Log(3)) / 3;
        Assert.AreEqual(expected, Value(loss.Compute(new[] { u, v }, labels)), 1e-5);
    }

    [TestMethod]
    public void SoftmaxLossAblationFlagsChangeTheClassifierInput()
    {
        using var full = new SoftmaxLoss(384, 3, concatenateMultiplication: true);
        Assert.AreEqual(4 * 384, full.Classifier.weight!.shape[1]);
        using var diffOnly = new SoftmaxLoss(384, 3, concatenateRep: false);
        Assert.AreEqual(384, diffOnly.Classifier.weight!.shape[1]);
        Assert.ThrowsExactly<ArgumentException>(() => new SoftmaxLoss(384, 3, concatenateRep: false, concatenateDifference: false));
    }

    [TestMethod]
    public void CosineSimilarityLossIsMseBetweenCosineAndScore()
    {
        using var u = T(new[] { 1f, 0 }, new[] { 1f, 1 }, new[] { 0f, 1 });
        using var v = T(new[] { 1f, 0 }, new[] { 1f, 0 }, new[] { 1f, 0 });
        using var scores = tensor(new float[] { 1f, 0.5f, 0.2f });
        // cos = 1, 1/sqrt(2), 0.
        double expected = (0 + Math.Pow(1 / Math.Sqrt(2) - 0.5, 2) + 0.04) / 3;
        Assert.AreEqual(expected, Value(new CosineSimilarityLoss().Compute(new[] { u, v }, scores)), 1e-6);
        Assert.AreEqual(0.6, CosineSimilarityLoss.ScaleScore(3, 0, 5), 1e-12);
    }

    [TestMethod]
    public void TripletLossUsesTheMarginOfOneAndEuclideanDistance()
    {
        using var a = T(new[] { 0f, 0 }, new[] { 0f, 0 }, new[] { 0f, 0 });
        using var p = T(new[] { 1f, 0 }, new[] { 3f, 0 }, new[] { 0f, 1 });
        using var n = T(new[] { 0f, 2 }, new[] { 0f, 1 }, new[] { 0f, 1 });
        // d(a,p) = 1, 3, 1; d(a,n) = 2, 1, 1: max(0, 1-2+1) = 0, max(0, 3-1+1) = 3, max(0, 1-1+1) = 1.
        var loss = new TripletLoss();
        Assert.AreEqual(1.0, loss.Margin);
        Assert.AreEqual(4.0 / 3, Value(loss.Compute(new[] { a, p, n }, null)), 1e-6);
        using var p2 = T(new[] { 1f, 1 }, new[] { 3f, 0 }, new[] { 0f, 1 });
        // Manhattan: d(a,p) = 2, 3, 1; d(a,n) = 2, 1, 1 -> 1, 3, 1.
        Assert.AreEqual(5.0 / 3, Value(new TripletLoss(TripletDistance.Manhattan).Compute(new[] { a, p2, n }, null)), 1e-6);
    }

    private static double[] Unit(float[] x) { double n = Math.Sqrt(x.Sum(v => (double)v * v)); return x.Select(v => v / n).ToArray(); }

    private static double CosD(float[] x, float[] y) => Unit(x).Zip(Unit(y), (a, b) => a * b).Sum();

    [TestMethod]
    public void MultipleNegativesRankingLossIsCrossEntropyOverScaledInBatchCosines()
    {
        float[][] anchors = { new[] { 1f, 0 }, new[] { 0f, 1 }, new[] { 1f, 1 } };
        float[][] positives = { new[] { 1f, 0.2f }, new[] { 0.1f, 1 }, new[] { -1f, 1 } };
        float[][] hard = { new[] { 0f, 1 }, new[] { 1f, 0 }, new[] { 1f, -1 } };
        double Expected(float[][] candidates)
        {
            double total = 0;
            for (int i = 0; i < 3; i++)
            {
                var s = candidates.Select(c => 20 * CosD(anchors[i], c)).ToArray();
                double max = s.Max();
                total += max + Math.Log(s.Sum(x => Math.Exp(x - max))) - s[i];
            }
            return total / 3;
        }
        using var a = T(anchors);
        using var p = T(positives);
        using var h = T(hard);
        Assert.AreEqual(Expected(positives), Value(new MultipleNegativesRankingLoss().Compute(new[] { a, p }, null)), 1e-4);
        Assert.AreEqual(Expected(positives.Concat(hard).ToArray()),
            Value(new MultipleNegativesRankingLoss(withHardNegative: true).Compute(new[] { a, p, h }, null)), 1e-4);
    }

    [TestMethod]
    public void CoSentLossPenalisesEveryMisorderedPair()
    {
        float[][] u = { new[] { 1f, 0 }, new[] { 1f, 1 }, new[] { 0f, 1 } };
        float[][] v = { new[] { 1f, 0.5f }, new[] { 1f, 0 }, new[] { 1f, 0.1f } };
        double[] gold = { 0.9, 0.2, 0.5 };
        var cos = Enumerable.Range(0, 3).Select(i => 20 * CosD(u[i], v[i])).ToArray();
        double sum = 1; // the log(1 + ...) term
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                if (gold[i] > gold[j]) sum += Math.Exp(cos[j] - cos[i]);
        using var tu = T(u);
        using var tv = T(v);
        using var labels = tensor(gold.Select(g => (float)g).ToArray());
        Assert.AreEqual(Math.Log(sum), Value(new CoSentLoss().Compute(new[] { tu, tv }, labels)), 1e-4);
    }

    /// <summary>
    /// AnglE's similarity as its definition reads, in doubles: u / v as complex vectors (halves: real, imaginary),
    /// divided by |v|^2 summed over the whole vector, then scaled by |v| / |u|; the absolute sum of all parts.
    /// </summary>
    private static double AngleByDefinition(float[] u, float[] v)
    {
        if (u.Length % 2 != 0) { u = [.. u, 0f]; v = [.. v, 0f]; }
        int h = u.Length / 2;
        double z = v.Sum(x => (double)x * x), nu = Math.Sqrt(u.Sum(x => (double)x * x)), nv = Math.Sqrt(z), total = 0;
        for (int k = 0; k < h; k++)
        {
            double a = u[k], b = u[h + k], c = v[k], d = v[h + k];
            double re = (a * c + b * d) / z, im = (b * c - a * d) / z;
            total += (re + im) / (nu / nv);
        }
        return Math.Abs(total);
    }

    [TestMethod]
    public void AngleSimilarityMatchesItsDefinitionForEvenAndOddWidths()
    {
        float[][] u = { new[] { 1f, 0.5f, -2f, 0.25f }, new[] { 0.3f, -1f, 2f, 1f } };
        float[][] v = { new[] { 0.5f, 1f, 1f, -0.75f }, new[] { 0.3f, -1f, 2f, 1f } };
        using var tu = T(u);
        using var tv = T(v);
        using (var sim = AngleLoss.Similarity(tu, tv))
            for (int i = 0; i < 2; i++) Assert.AreEqual(AngleByDefinition(u[i], v[i]), sim[i].item<float>(), 1e-5, $"row {i}");
        float[][] odd = { new[] { 1f, 2f, -1f } }, oddV = { new[] { 0.5f, -1f, 3f } };
        using var to = T(odd);
        using var tov = T(oddV);
        using (var sim = AngleLoss.Similarity(to, tov))
            Assert.AreEqual(AngleByDefinition(odd[0], oddV[0]), sim[0].item<float>(), 1e-5, "odd width: a zero imaginary tail");
        // Not the cosine: identical vectors give |1 + 0| = 1, orthogonal halves do not give 0.
        using var row = T(u[1]);
        using (var same = AngleLoss.Similarity(row, row)) Assert.AreEqual(1.0, same.item<float>(), 1e-5);
    }

    [TestMethod]
    public void AngleLossRanksTheAngleSimilarityAsCoSentRanksTheCosineAndIgnoresVectorLength()
    {
        float[][] u = { new[] { 1f, 0, 0.5f, 2f }, new[] { 1f, 1, -1f, 0 }, new[] { 0f, 1, 0.2f, 0.3f } };
        float[][] v = { new[] { 1f, 0.5f, 0, 1f }, new[] { 1f, 0, 1f, 1f }, new[] { 1f, 0.1f, -0.5f, 0 } };
        double[] gold = { 0.9, 0.2, 0.5 };
        var sim = Enumerable.Range(0, 3).Select(i => 20 * AngleByDefinition(u[i], v[i])).ToArray();
        double sum = 1;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                if (gold[i] > gold[j]) sum += Math.Exp(sim[j] - sim[i]);
        using var labels = tensor(gold.Select(g => (float)g).ToArray());
        using var tu = T(u);
        using var tv = T(v);
        using var longer = T(u.Select(r => r.Select(x => 3 * x).ToArray()).ToArray());
        Assert.AreEqual(Math.Log(sum), Value(new AngleLoss().Compute(new[] { tu, tv }, labels)), 1e-4);
        Assert.AreEqual(Math.Log(sum), Value(new AngleLoss().Compute(new[] { longer, tv }, labels)), 1e-4, "scale-invariant, so Normalize does not matter");
        Assert.AreEqual(TrainingObjective.Angle, TrainingObjectives.Parse("AnglE"));
        Assert.IsInstanceOfType<AngleLoss>(TrainingObjectives.Create(TrainingObjective.Angle, 4));
    }

    [TestMethod]
    public void LossesRejectTheWrongNumberOfColumnsOrMissingLabels()
    {
        using var x = T(new[] { 1f, 0 });
        var e1 = Assert.ThrowsExactly<ArgumentException>(() => new TripletLoss().Compute(new[] { x, x }, null));
        StringAssert.Contains(e1.Message, "TripletLoss expects 3");
        var e2 = Assert.ThrowsExactly<ArgumentNullException>(() => new CosineSimilarityLoss().Compute(new[] { x, x }, null));
        StringAssert.Contains(e2.Message, "CosineSimilarityLoss");
    }

    [TestMethod]
    public void GradientsReachTheEmbeddings()
    {
        using var u = T(new[] { 1f, 0 }, new[] { 0f, 1 }, new[] { 1f, 1 }).requires_grad_();
        using var v = T(new[] { 0.5f, 1 }, new[] { 1f, 1 }, new[] { 1f, 0 }).requires_grad_();
        using var scores = tensor(new float[] { 0.1f, 0.9f, 0.4f });
        using var loss = new CosineSimilarityLoss().Compute(new[] { u, v }, scores);
        loss.backward();
        Assert.IsTrue(u.grad is not null && u.grad.abs().sum().item<float>() > 0);
    }

    [TestMethod]
    public void SoftmaxAndTripletAskForThePooledVectorByDefaultAndCanOptOut()
    {
        using var softmax = new SoftmaxLoss(4, 3);
        using var softmaxNormalised = new SoftmaxLoss(4, 3, beforeNormalize: false);
        Assert.IsTrue(((ISentenceLoss)softmax).BeforeNormalize);
        Assert.IsFalse(((ISentenceLoss)softmaxNormalised).BeforeNormalize);
        Assert.IsTrue(((ISentenceLoss)new TripletLoss()).BeforeNormalize);
        Assert.IsFalse(((ISentenceLoss)new TripletLoss(beforeNormalize: false)).BeforeNormalize);
        // Cosine-based objectives do not care, so they keep the interface's default: the encoder's output.
        Assert.IsFalse(((ISentenceLoss)new CosineSimilarityLoss()).BeforeNormalize);
        Assert.IsFalse(((ISentenceLoss)new MultipleNegativesRankingLoss()).BeforeNormalize);
    }
}
