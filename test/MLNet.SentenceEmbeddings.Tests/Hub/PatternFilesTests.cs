using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

[TestClass]
public sealed class PatternFilesTests
{
    [TestMethod]
    [DataRow("*.parquet", "default/train/0000.parquet", true)]   // fnmatch: '*' crosses '/'
    [DataRow("*.parquet", "train.csv", false)]
    [DataRow("default/", "default/test/0000.parquet", true)]
    [DataRow("default/", "other/default/x", false)]
    [DataRow("data/train-?????.parquet", "data/train-00001.parquet", true)]
    [DataRow("data/train-[0-9]*", "data/train-1.parquet", true)]
    [DataRow("data/train-[!0-9]*", "data/train-1.parquet", false)]
    [DataRow("a.b", "aXb", false)]
    [DataRow("a[", "a[", true)]
    public void PatternsMatchAsHuggingfaceHubsAllowPatterns(string pattern, string path, bool match) =>
        Assert.AreEqual(match, new PatternFiles(new[] { pattern }).IsMatch(path));

    [TestMethod]
    public void DifferentPatternSetsAreDifferentSelections()
    {
        Assert.AreNotEqual(new PatternFiles(new[] { "*.parquet" }).Key, new PatternFiles(new[] { "*.csv" }).Key);
        Assert.AreEqual(new PatternFiles(new[] { "*.csv" }).Key, new PatternFiles(new[] { "*.csv" }).Key);
    }
}
