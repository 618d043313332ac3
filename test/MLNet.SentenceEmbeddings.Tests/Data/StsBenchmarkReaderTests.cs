using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Tests.Data;

[TestClass]
public class StsBenchmarkReaderTests
{
    [TestMethod]
    public void ReadsQuotesAndExtraFieldsAsRawTsv()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "sts.csv");
        File.WriteAllText(path,
            "main-captions\tMSRvid\t2012test\t0001\t5.000\tA \"quoted\" plane.\tAn air plane.\n" +
            "main-news\theadlines\t2013\t0002\t1.250\tFirst.\tSecond.\tsrc-a\tsrc-b\n");
        var pairs = StsBenchmarkReader.Read(path);
        Assert.AreEqual(2, pairs.Count);
        Assert.AreEqual("A \"quoted\" plane.", pairs[0].Sentence1);
        Assert.AreEqual("Second.", pairs[1].Sentence2);
        Assert.AreEqual(1.25, pairs[1].Score);
    }

    [TestMethod]
    public void MalformedLineFailsWithFileAndLine()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "bad.csv");
        File.WriteAllText(path, "g\tf\ty\t1\t2.0\ta\tb\ng\tf\ty\t2\tnot-a-number\ta\tb\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => StsBenchmarkReader.Read(path));
        StringAssert.Contains(e.Message, "bad.csv:2");
    }

    [TestMethod]
    public void SharedTestSplitHasThePublishedSize() =>
        Assert.AreEqual(1379, StsBenchmarkReader.Read(Path.Combine(Fixtures.DataDir, "stsb", "sts-test.csv")).Count);
}
