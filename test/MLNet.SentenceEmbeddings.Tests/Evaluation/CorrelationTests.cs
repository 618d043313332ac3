using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Tests.Evaluation;

[TestClass]
public class CorrelationTests
{
    [TestMethod]
    public void RanksAverageTies() =>
        CollectionAssert.AreEqual(new[] { 1.0, 2.5, 2.5, 4.0 }, Correlation.Ranks(new[] { 10.0, 20, 20, 30 }));

    [TestMethod]
    public void SpearmanWithTiesMatchesTheHandComputedValue()
    {
        // x ranks 1, 2.5, 2.5, 4, 5 and y ranks 2, 1, 3, 5, 4 (both mean 3): sum dx*dy = 2 + 1 + 0 + 2 + 2 = 7,
        // sum dx^2 = 9.5, sum dy^2 = 10, so rho = 7 / sqrt(95).
        double rho = Correlation.Spearman(new[] { 1.0, 2, 2, 3, 4 }, new[] { 2.0, 1, 3, 5, 4 });
        Assert.AreEqual(7 / Math.Sqrt(95), rho, 1e-12);
    }

    [TestMethod]
    public void PearsonMatchesTheHandComputedValue()
    {
        // x = 1,2,3; y = 1,3,2: cov sum 1.0, var sums 2 and 2 -> 0.5.
        Assert.AreEqual(0.5, Correlation.Pearson(new[] { 1.0, 2, 3 }, new[] { 1.0, 3, 2 }), 1e-12);
    }

    [TestMethod]
    public void MismatchedLengthsAreRejected() =>
        Assert.ThrowsExactly<ArgumentException>(() => Correlation.Spearman(new[] { 1.0, 2 }, new[] { 1.0 }));

    [TestMethod]
    public void TiesOnBothSidesAndPearsonOnTiedValues()
    {
        // x = 1,1,2,2 (ranks 1.5,1.5,3.5,3.5), y = 1,2,2,3 (ranks 1,2.5,2.5,4): dx = -1,-1,1,1; dy = -1.5,0,0,1.5;
        // sum dx*dy = 3, sum dx^2 = 4, sum dy^2 = 4.5 -> rho = 3 / sqrt(18). Pearson of the raw values is the same here.
        double expected = 3 / Math.Sqrt(18);
        Assert.AreEqual(expected, Correlation.Spearman(new[] { 1.0, 1, 2, 2 }, new[] { 1.0, 2, 2, 3 }), 1e-12);
        Assert.AreEqual(expected, Correlation.Pearson(new[] { 1.0, 1, 2, 2 }, new[] { 1.0, 2, 2, 3 }), 1e-12);
    }

    [TestMethod]
    public void AConstantSeriesHasNoCorrelation() =>
        Assert.IsTrue(double.IsNaN(Correlation.Spearman(new[] { 2.0, 2, 2 }, new[] { 1.0, 2, 3 })));
}
