using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

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
        // x100 of what the library computes on the same model and files (the ALL protocol), not merely within +-100.
        using var encoder = SentenceEncoder.Load(Path.Combine(dir, "tiny"));
        var expected = new StsSubsetsEvaluator(SentEvalStsReader.Read(year)).Evaluate(s => encoder.Encode(s)).All;
        Assert.IsTrue(Math.Abs(expected.Spearman) > 0.01, "the check needs a correlation that x1 and x100 tell apart");
        Assert.AreEqual(Math.Round(100 * expected.Spearman, 4), json["spearman"]!.GetValue<double>(), 1e-9, "spearman is x100");
        Assert.AreEqual(Math.Round(100 * expected.Pearson, 4), json["pearson"]!.GetValue<double>(), 1e-9, "pearson is x100");
    }

    [TestMethod]
    public void StsOnATsvWithDotSimilarityAndTripletsOnATsv()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir);
        string sts = Path.Combine(dir, "pairs.tsv"), triplets = Path.Combine(dir, "triplets.tsv");
        string[] words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread", "red", "one" };
        var pairs = Enumerable.Range(0, 12).Select(i => ($"a {words[i % 10]} runs", $"the {words[(i * 3 + 1) % 10]} {words[(i + 4) % 10]}", (i * 7) % 6)).ToList();
        File.WriteAllLines(sts, pairs.Select(p => $"{p.Item1}\t{p.Item2}\t{p.Item3}"));
        var tripletRows = Enumerable.Range(0, 30).Select(i => ($"the {words[i % 10]}", $"{words[(i + 1) % 10]}!!!", $"a {words[(i + 4) % 10]} ... {words[(i + 6) % 10]}")).ToList();
        File.WriteAllLines(triplets, tripletRows.Select(t => $"{t.Item1}\t{t.Item2}\t{t.Item3}"));
        // What the library gives for each choice: the options must select them, so the data must tell them apart.
        using var encoder = SentenceEncoder.Load(model);
        var stsPairs = pairs.Select(p => new SentencePair(p.Item1, p.Item2, p.Item3)).ToList();
        double Pearson(SimilarityFunction f) => Math.Round(100 * new StsSubsetsEvaluator(new[] { new StsSubset("pairs", stsPairs) }, f).Evaluate(s => encoder.Encode(s)).All.Pearson, 4);
        double Accuracy(TripletDistance d) => Math.Round(100 * new TripletEvaluator(tripletRows, d).Evaluate(encoder)["accuracy"], 4);
        Assert.AreNotEqual(Pearson(SimilarityFunction.Cosine), Pearson(SimilarityFunction.Dot), "dot and cosine must differ on this data");
        Assert.AreNotEqual(Accuracy(TripletDistance.Euclidean), Accuracy(TripletDistance.Cosine), "cosine and euclidean must differ on this data");

        var (code, stdout, stderr) = RunSbert("eval", "sts", "--model", model, "--data", sts, "--format", "tsv", "--similarity", "dot", "--json");
        Assert.AreEqual(0, code, stderr);
        var json = LastJson(stdout);
        Assert.AreEqual(12, json["n"]!.GetValue<int>());
        Assert.AreEqual(json["spearman"]!.GetValue<double>(), json["subsets"]!["pairs"]!["spearman"]!.GetValue<double>(), 1e-9, "one sub-set: ALL equals it");
        Assert.AreEqual(Pearson(SimilarityFunction.Dot), json["pearson"]!.GetValue<double>(), 1e-9, "--similarity dot is used, not the default cosine");

        (code, stdout, stderr) = RunSbert("eval", "triplet", "--model", model, "--data", triplets, "--distance", "cosine", "--json");
        Assert.AreEqual(0, code, stderr);
        json = LastJson(stdout);
        Assert.AreEqual(30, json["n"]!.GetValue<int>());
        Assert.AreEqual(Accuracy(TripletDistance.Cosine), json["accuracy"]!.GetValue<double>(), 1e-9, "--distance cosine is used, not the default euclidean");
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
