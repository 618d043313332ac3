using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Search;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class SearchCommandTests
{
    [TestMethod]
    public void HitsEqualTheLibrarysSearchWithOrWithoutSavedEmbeddings()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), corpus = Path.Combine(dir, "c.txt"), queries = Path.Combine(dir, "q.txt");
        File.WriteAllLines(corpus, Corpus);
        File.WriteAllLines(queries, new[] { "guitar music", "cooking dinner" });
        using var encoder = SentenceEncoder.Load(model);
        var expected = SemanticSearch.Search(EmbeddingMatrix.Encode(encoder, new[] { "guitar music", "cooking dinner" }),
            EmbeddingMatrix.Encode(encoder, Corpus), topK: 3);

        string npy = Path.Combine(dir, "c.npy");
        Assert.AreEqual(0, RunSbert("embed", "--model", model, "--input", corpus, "--output", npy).Code);
        foreach (var extra in new[] { Array.Empty<string>(), new[] { "--embeddings", npy } })
        {
            var (code, stdout, stderr) = RunSbert(new[] { "search", "--model", model, "--corpus", corpus, "--queries", queries, "--top-k", "3", "--json" }.Concat(extra).ToArray());
            Assert.AreEqual(0, code, stderr);
            var lines = JsonLines(stdout).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.AreEqual(2, lines.Count);
            for (int q = 0; q < 2; q++)
            {
                var hits = lines[q]["hits"]!.AsArray();
                CollectionAssert.AreEqual(expected[q].Select(h => h.CorpusIndex).ToArray(), hits.Select(h => h!["row"]!.GetValue<int>()).ToArray());
                for (int k = 0; k < 3; k++)
                {
                    Assert.AreEqual(expected[q][k].Score, hits[k]!["score"]!.GetValue<double>(), 1e-5);
                    Assert.AreEqual(Corpus[expected[q][k].CorpusIndex], hits[k]!["text"]!.GetValue<string>());
                }
            }
        }
    }

    [TestMethod]
    public void QuantizedSearchReturnsRescoredHitsAndQueriesAreRequired()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), corpus = Path.Combine(dir, "c.txt");
        File.WriteAllLines(corpus, Corpus);
        foreach (var q in new[] { "int8", "binary" })
        {
            var (code, stdout, stderr) = RunSbert("search", "--model", model, "--corpus", corpus, "--query", "a dog", "--top-k", "2", "--quantization", q);
            Assert.AreEqual(0, code, stderr);
            StringAssert.StartsWith(stdout, "query: a dog");
            Assert.AreEqual(2, stdout.Split('\n').Count(l => l.TrimStart().StartsWith("1 ") || l.TrimStart().StartsWith("2 ")), stdout);
        }
        var (missing, _, err) = RunSbert("search", "--corpus", corpus);
        Assert.AreEqual(2, missing);
        StringAssert.Contains(err, "--queries");
        string other = Path.Combine(dir, "short.npy");
        File.WriteAllLines(Path.Combine(dir, "short.txt"), Corpus.Take(2));
        Assert.AreEqual(0, RunSbert("embed", "--model", model, "--input", Path.Combine(dir, "short.txt"), "--output", other).Code);
        var (mismatch, _, err2) = RunSbert("search", "--model", model, "--corpus", corpus, "--query", "x", "--embeddings", other);
        Assert.AreEqual(1, mismatch);
        StringAssert.Contains(err2, "2 vector(s), but");
    }
}
