using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MLNet.SentenceEmbeddings.MLNet.SentEval;

namespace MLNet.SentenceEmbeddings.Tests.SentEval;

[TestClass]
public class LogisticRegressionMappingTests
{
    private sealed class Row
    {
        public bool Label { get; set; }
        [VectorType(3)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    [TestMethod]
    [DataRow(0.25, 4f)]
    [DataRow(1.0, 1f)]
    [DataRow(8.0, 0.125f)]
    public void L2WeightIsOneOverC(double c, float l2) => Assert.AreEqual(l2, SentEvalLogisticRegression.L2WeightFor(c), 1e-7f);

    [TestMethod]
    public void NonPositiveCIsRejected() => Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SentEvalLogisticRegression.L2WeightFor(0));

    [TestMethod]
    [DataRow(0.25)]
    [DataRow(4.0)]
    public void TheFittedModelMinimisesScikitLearnsObjectiveForThatC(double c)
    {
        // scikit-learn minimises 0.5|w|^2 + C * sum_i logloss_i. At its minimum the gradient vanishes:
        //   w + C * sum_i (p_i - y_i) x_i = 0   and   sum_i (p_i - y_i) = 0 (unpenalised bias).
        // A mapping off by the row count (1/(C*N)) would leave a gradient of the order of |w|.
        var random = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(i =>
        {
            bool y = i % 3 != 0;
            var x = new[] { (float)(random.NextDouble() + (y ? 0.3 : 0)), (float)random.NextDouble(), (float)(random.NextDouble() - (y ? 0.2 : 0)) };
            return new Row { Label = y, Features = x };
        }).ToList();
        var ml = new MLContext(1);
        var options = new SentEvalOptions { OptimizationTolerance = 1e-9f };
        var model = (BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>)
            SentEvalLogisticRegression.Trainer(ml, 2, c, options).Fit(ml.Data.LoadFromEnumerable(rows));
        var w = model.Model.SubModel.Weights.ToArray();
        float b = model.Model.SubModel.Bias;
        var grad = w.Select(v => (double)v).ToArray();
        double biasGrad = 0;
        foreach (var r in rows)
        {
            double z = b + w.Zip(r.Features, (a, x) => (double)a * x).Sum();
            double residual = 1 / (1 + Math.Exp(-z)) - (r.Label ? 1 : 0);
            for (int d = 0; d < 3; d++) grad[d] += c * residual * r.Features[d];
            biasGrad += residual;
        }
        double wNorm = Math.Sqrt(w.Sum(v => (double)v * v));
        Assert.IsTrue(wNorm > 0.1, $"the data should give non-trivial weights (|w| = {wNorm})");
        for (int d = 0; d < 3; d++) Assert.AreEqual(0, grad[d], 0.02 * Math.Max(1, wNorm), $"gradient[{d}] for C={c}: {string.Join(", ", grad)}");
        Assert.AreEqual(0, biasGrad, 0.05);
    }
}
