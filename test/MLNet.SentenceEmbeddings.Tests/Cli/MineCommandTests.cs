using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Search;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class MineCommandTests
{
    [TestMethod]
    public void PairsEqualTheLibrarysMiningMostSimilarFirst()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), corpus = Path.Combine(dir, "c.jsonl");
        File.WriteAllLines(corpus, Corpus.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        using var encoder = SentenceEncoder.Load(model);
        var expected = ParaphraseMining.Mine(EmbeddingMatrix.Encode(encoder, Corpus), maxPairs: 4);
        var (code, stdout, stderr) = RunSbert("mine", "--model", model, "--input", corpus, "--max-pairs", "4", "--json");
        Assert.AreEqual(0, code, stderr);
        var pairs = JsonLines(stdout).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.AreEqual(4, pairs.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(expected[i].First, pairs[i]["first"]!.GetValue<int>());
            Assert.AreEqual(expected[i].Second, pairs[i]["second"]!.GetValue<int>());
            Assert.AreEqual(expected[i].Score, pairs[i]["score"]!.GetValue<double>(), 1e-5);
            Assert.AreEqual(Corpus[expected[i].First], pairs[i]["first_text"]!.GetValue<string>());
        }
    }
}
