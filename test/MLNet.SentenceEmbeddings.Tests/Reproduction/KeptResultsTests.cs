using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Reproduction;

namespace MLNet.SentenceEmbeddings.Tests.Reproduction;

[TestClass]
public class KeptResultsTests
{
    /// <summary>Two processes writing into one artifacts folder: every result written from many threads at once is kept.</summary>
    [TestMethod]
    public void ConcurrentKeepsAreMergedNotLost()
    {
        var kept = new KeptResults(Path.Combine(Fixtures.NewTempDir(), "artifacts", "results.json"));
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => kept.Keep($"run {i}", i + 0.5));
        var all = kept.Read();
        Assert.AreEqual(24, all.Count);
        for (int i = 0; i < 24; i++) Assert.AreEqual(i + 0.5, all[$"run {i}"]!.GetValue<double>());
        Assert.IsNull(kept["run 99"]);
    }

    [TestMethod]
    public void ABrokenFileFailsNamingIt()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "table2-runs.json");
        File.WriteAllText(path, "{\"regression|seed 1\": ");
        var e = Assert.Throws<InvalidDataException>(() => new KeptResults(path).Read());
        StringAssert.Contains(e.Message, path);
        File.WriteAllText(path, "[1, 2]");
        e = Assert.Throws<InvalidDataException>(() => new KeptResults(path).Keep("x", 1));
        StringAssert.Contains(e.Message, "expected a JSON object");
    }
}
