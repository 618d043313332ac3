using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.CrossEncoding;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class RerankCommandTests
{
    [TestMethod]
    public void ScoresEqualTheCrossEncodersForPairsAndForAQueryBestFirst()
    {
        string dir = Fixtures.NewTempDir(), folder = Path.Combine(dir, "ce");
        using (var created = CrossEncoder.Load(TinyEncoder(dir), numLabels: 1)) created.Save(folder);
        using var ce = CrossEncoder.Load(folder);
        string candidates = Path.Combine(dir, "c.txt"), pairs = Path.Combine(dir, "p.tsv");
        File.WriteAllLines(candidates, Corpus);
        var expected = ce.Predict(Corpus.Select(c => ((string?)"a guitar", (string?)c)).ToList());

        var (code, stdout, stderr) = RunSbert("rerank", "--model", folder, "--query", "a guitar", "--candidates", candidates, "--top-k", "3", "--json");
        Assert.AreEqual(0, code, stderr);
        var ranked = JsonLines(stdout).Select(l => JsonNode.Parse(l)!).ToList();
        var best = Enumerable.Range(0, Corpus.Length).OrderByDescending(i => expected[i]).Take(3).ToArray();
        CollectionAssert.AreEqual(best, ranked.Select(r => r["row"]!.GetValue<int>()).ToArray());
        for (int k = 0; k < 3; k++) Assert.AreEqual(expected[best[k]], ranked[k]["score"]!.GetValue<double>(), 1e-5);

        File.WriteAllLines(pairs, Corpus.Select(c => $"a guitar\t{c}"));
        (code, stdout, stderr) = RunSbert("rerank", "--model", folder, "--pairs", pairs, "--json");
        Assert.AreEqual(0, code, stderr);
        var scored = JsonLines(stdout).Select(l => JsonNode.Parse(l)!).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, Corpus.Length).ToArray(), scored.Select(r => r["row"]!.GetValue<int>()).ToArray(), "pairs keep file order");
        for (int i = 0; i < Corpus.Length; i++) Assert.AreEqual(expected[i], scored[i]["score"]!.GetValue<double>(), 1e-5);
    }
}
