using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.Reproduction;

namespace MLNet.SentenceEmbeddings.Tests.Reproduction;

/// <summary>How sbert reproduce and sbert eval sts pick their data: subsampling and split files.</summary>
[TestClass]
public class ReproductionInputsTests
{
    [TestMethod]
    public void SubsampleTakesEveryKthItemInOrderAndKeepsSmallSetsWhole()
    {
        var items = Enumerable.Range(0, 10).ToList();
        CollectionAssert.AreEqual(new[] { 0, 2, 5, 7 }, ReproductionContext.Subsample(items, 4));
        CollectionAssert.AreEqual(items, ReproductionContext.Subsample(items, 10));
        CollectionAssert.AreEqual(items, ReproductionContext.Subsample(items, null));
    }

    [TestMethod]
    public void StsFoldersResolveTheSplitFile()
    {
        var sickDev = StsData.Load("sick", Path.Combine(Fixtures.DataDir, "sick"), "dev");
        Assert.AreEqual("SICK_trial", sickDev.Single().Name, "SICK's dev split is its trial file");
        Assert.AreEqual(500, sickDev[0].Pairs.Count);
        var stsbDev = StsData.Load("stsb", Path.Combine(Fixtures.DataDir, "stsb"), "dev");
        Assert.AreEqual(1500, stsbDev.Single().Pairs.Count);
        StringAssert.Contains(Assert.ThrowsExactly<UsageException>(() =>
            StsData.Load("stsb", Path.Combine(Fixtures.DataDir, "stsb"), "validation")).Message, "--split");
    }
}
