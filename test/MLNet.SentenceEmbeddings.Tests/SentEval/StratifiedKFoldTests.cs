using MLNet.SentenceEmbeddings.MLNet.SentEval;

namespace MLNet.SentenceEmbeddings.Tests.SentEval;

[TestClass]
public class StratifiedKFoldTests
{
    [TestMethod]
    public void TenFoldsAreDisjointCoverEveryRowOnceAndAreStratified()
    {
        // 103 rows, classes of 61 / 30 / 12: uneven on purpose.
        var labels = Enumerable.Range(0, 103).Select(i => i < 61 ? 0 : i < 91 ? 1 : 2).Reverse().ToArray();
        var splits = StratifiedKFold.Split(labels, 10, 1111);
        Assert.AreEqual(10, splits.Count);
        var seen = new int[labels.Length];
        foreach (var (train, test) in splits)
        {
            foreach (int r in test) seen[r]++;
            Assert.AreEqual(0, train.Intersect(test).Count(), "train and test of one fold are disjoint");
            Assert.AreEqual(labels.Length, train.Length + test.Length);
        }
        CollectionAssert.AreEqual(Enumerable.Repeat(1, labels.Length).ToArray(), seen, "every row is tested exactly once");
        for (int c = 0; c < 3; c++)
        {
            var perFold = splits.Select(s => s.Test.Count(r => labels[r] == c)).ToArray();
            Assert.IsTrue(perFold.Max() - perFold.Min() <= 1, $"class {c} spread over folds: {string.Join(",", perFold)}");
        }
        var sizes = splits.Select(s => s.Test.Length).ToArray();
        Assert.IsTrue(sizes.Max() - sizes.Min() <= 1, $"fold sizes {string.Join(",", sizes)}");
    }

    [TestMethod]
    public void SameSeedSameFoldsOtherSeedOtherFolds()
    {
        var labels = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        CollectionAssert.AreEqual(StratifiedKFold.AssignFolds(labels, 10, 1111), StratifiedKFold.AssignFolds(labels, 10, 1111));
        CollectionAssert.AreNotEqual(StratifiedKFold.AssignFolds(labels, 10, 1111), StratifiedKFold.AssignFolds(labels, 10, 7));
    }

    [TestMethod]
    public void FoldsAreShuffledNotContiguous()
    {
        var labels = new int[100];
        var folds = StratifiedKFold.AssignFolds(labels, 10, 1111);
        Assert.IsFalse(folds.Take(10).All(f => f == folds[0]), "shuffle=True: the first ten rows are not one block");
    }

    [TestMethod]
    public void TooManyFoldsIsRejected() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => StratifiedKFold.AssignFolds(new[] { 0, 1, 0 }, 4, 1));
}
