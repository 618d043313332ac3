using System.Globalization;
using System.Text.Json.Nodes;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class SimilarityCommandTests
{
    [TestMethod]
    public void TwoSentencesAndAPairFileScoreAsTheLibraryDoes()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), pairs = Path.Combine(dir, "p.csv");
        using var encoder = SentenceEncoder.Load(model);
        var (code, stdout, stderr) = RunSbert("similarity", "--model", model, Corpus[0], Corpus[2]);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual(Fixtures.Cos(encoder.Encode(Corpus[0]), encoder.Encode(Corpus[2])), double.Parse(stdout.Trim(), CultureInfo.InvariantCulture), 1e-4);

        File.WriteAllText(pairs, "a,b\n" + string.Join("\n", Corpus.Zip(Corpus.Skip(1)).Select(p => $"\"{p.First}\",\"{p.Second}\"")) + "\n");
        (code, stdout, stderr) = RunSbert("similarity", "--model", model, "--pairs", pairs, "--first", "a", "--second", "b", "--similarity", "dot", "--json");
        Assert.AreEqual(0, code, stderr);
        var rows = JsonLines(stdout).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.AreEqual(Corpus.Length - 1, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(Corpus[i + 1], rows[i]["second"]!.GetValue<string>());
            Assert.AreEqual(VectorMath.Dot(encoder.Encode(Corpus[i]), encoder.Encode(Corpus[i + 1])), rows[i]["score"]!.GetValue<double>(), 1e-4);
        }
        var (usage, _, err) = RunSbert("similarity", "only one");
        Assert.AreEqual(2, usage);
        StringAssert.Contains(err, "two sentences");
    }
}
