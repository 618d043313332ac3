using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary>The JSON shapes of <c>sbert eval sts</c> and <c>sbert eval triplet</c>, on a tiny random BERT and small data.</summary>
[TestClass]
public class EvalCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    private static string TinyModel(string dir)
    {
        string model = Path.Combine(dir, "tiny");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        return model;
    }

    private static JsonNode LastJson(string stdout) => JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;

    [TestMethod]
    public void StsOnASentEvalYearPrintsTheAllProtocolAndEachSubset()
    {
        string dir = Fixtures.NewTempDir(), year = Path.Combine(dir, "STS15-en-test");
        Directory.CreateDirectory(year);
        string[] words = { "cat", "dog", "car", "tree", "house", "river" };
        foreach (var name in new[] { "images", "forum" })
        {
            File.WriteAllLines(Path.Combine(year, $"STS.input.{name}.txt"), words.Select((w, i) => $"the {w} in {name}\ta {words[(i + 1) % 6]} is here"));
            File.WriteAllLines(Path.Combine(year, $"STS.gs.{name}.txt"), words.Select((_, i) => i == 2 ? "" : $"{i * 0.7:F1}"));
        }
        var (code, stdout, stderr) = RunSbert("eval", "sts", "--model", TinyModel(dir), "--data", year, "--json");
        Assert.AreEqual(0, code, stderr);
        var json = LastJson(stdout);
        Assert.AreEqual(10, json["n"]!.GetValue<int>(), "2 sub-sets x 5 scored pairs (one empty gold line each)");
        var subsets = json["subsets"]!.AsObject();
        CollectionAssert.AreEquivalent(new[] { "images", "forum" }, subsets.Select(kv => kv.Key).ToArray());
        Assert.AreEqual(5, subsets["images"]!["n"]!.GetValue<int>());
        double mean = (subsets["images"]!["spearman"]!.GetValue<double>() + subsets["forum"]!["spearman"]!.GetValue<double>()) / 2;
        Assert.AreEqual(mean, json["mean"]!.GetValue<double>(), 1e-3);
        foreach (var key in new[] { "spearman", "pearson" })
            Assert.IsTrue(Math.Abs(json[key]!.GetValue<double>()) <= 100, key + " is x100");
    }

    [TestMethod]
    public void StsOnATsvWithDotSimilarityAndTripletsOnATsv()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir);
        string sts = Path.Combine(dir, "pairs.tsv"), triplets = Path.Combine(dir, "triplets.tsv");
        File.WriteAllLines(sts, new[] { "a cat\ta cat\t5", "a cat\ta dog\t3", "a cat\tthe river runs\t0" });
        File.WriteAllLines(triplets, new[] { "a cat\ta cat\tthe river runs", "a dog\ta dog\ta house", "red\tred\tgreen", "one\tone\ttwo" });
        var (code, stdout, stderr) = RunSbert("eval", "sts", "--model", model, "--data", sts, "--format", "tsv", "--similarity", "dot", "--json");
        Assert.AreEqual(0, code, stderr);
        var json = LastJson(stdout);
        Assert.AreEqual(3, json["n"]!.GetValue<int>());
        Assert.AreEqual(json["spearman"]!.GetValue<double>(), json["subsets"]!["pairs"]!["spearman"]!.GetValue<double>(), 1e-9, "one sub-set: ALL equals it");

        (code, stdout, stderr) = RunSbert("eval", "triplet", "--model", model, "--data", triplets, "--distance", "cosine", "--json");
        Assert.AreEqual(0, code, stderr);
        json = LastJson(stdout);
        Assert.AreEqual(4, json["n"]!.GetValue<int>());
        Assert.AreEqual(100.0, json["accuracy"]!.GetValue<double>(), 1e-9, "each anchor is identical to its positive");
    }

    [TestMethod]
    public void BadOptionsAreUsageErrors()
    {
        var (code, _, stderr) = RunSbert("eval", "sts", "--data", "x.tsv", "--similarity", "jaccard");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "Unknown similarity 'jaccard'");
        (code, _, stderr) = RunSbert("reproduce", "--tables", "3");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "unknown table '3'");
    }
}
