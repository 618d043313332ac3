using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary><c>sbert soup</c>: the library's uniform and greedy soups, for bi-encoders and cross-encoders, from the command line.</summary>
[TestClass]
public class SoupCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    private static readonly string?[] Probe = { "a man is eating food." };

    private static List<string> TinySeeds(string dir, int count) => Enumerable.Range(1, count).Select(seed =>
    {
        string folder = Path.Combine(dir, $"seed{seed}");
        using var encoder = Fixtures.Tiny(seed);
        encoder.Save(folder);
        return folder;
    }).ToList();

    [TestMethod]
    public void AUniformSoupIsTheLibrarysAverage()
    {
        string dir = Fixtures.NewTempDir(), output = Path.Combine(dir, "soup");
        var folders = TinySeeds(dir, 3);
        var (code, stdout, stderr) = RunSbert(["soup", .. folders, "--output", output, "--json"]);
        Assert.AreEqual(0, code, stderr);
        var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        Assert.AreEqual("bi-encoder", json["kind"]!.GetValue<string>());
        Assert.AreEqual(3, json["kept"]!.AsArray().Count);
        Assert.IsNull(json["scores"], "a uniform soup scores nothing");
        using var expected = ModelSoup.Average(folders);
        using var written = SentenceEncoder.Load(output);
        CollectionAssert.AreEqual(expected.Encode(Probe)[0], written.Encode(Probe)[0]);
    }

    [TestMethod]
    public void AGreedySoupKeepsWhatTheLibraryKeepsOnTheHeldOutPairs()
    {
        string dir = Fixtures.NewTempDir(), output = Path.Combine(dir, "soup"), pairsFile = Path.Combine(dir, "dev.tsv");
        var folders = TinySeeds(dir, 3);
        string[] words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread", "red", "one" };
        var pairs = Enumerable.Range(0, 16).Select(i => new SentencePair($"a {words[i % 10]} runs", $"the {words[(i * 3 + 1) % 10]} {words[(i + 4) % 10]}", (i * 7) % 6)).ToList();
        File.WriteAllLines(pairsFile, pairs.Select(p => $"{p.Sentence1}\t{p.Sentence2}\t{p.Score}"));
        var (code, stdout, stderr) = RunSbert(["soup", .. folders, "--output", output, "--greedy-on", pairsFile, "--json"]);
        Assert.AreEqual(0, code, stderr);
        var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;

        var dev = new EmbeddingSimilarityEvaluator(pairs);
        using var expected = ModelSoup.Greedy(folders, e => dev.Evaluate(e)["spearman_cosine"]);
        CollectionAssert.AreEqual(expected.Ingredients.ToArray(), json["kept"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray(), stdout);
        var scores = json["scores"]!.AsObject();
        Assert.AreEqual(3, scores.Count);
        foreach (var (folder, score) in expected.OwnScores) Assert.AreEqual(Math.Round(100 * score, 4), scores[folder]!.GetValue<double>(), folder);
        Assert.IsTrue(expected.OwnScores.Select(s => s.Score).Distinct().Count() > 1, "the seeds scored alike: the order tried would not be tested");
        Assert.AreEqual(Math.Round(100 * expected.Score, 4), json["soup_score"]!.GetValue<double>());
        using var written = SentenceEncoder.Load(output);
        CollectionAssert.AreEqual(expected.Model.Encode(Probe)[0], written.Encode(Probe)[0]);
    }

    [TestMethod]
    public void CrossEncodersAreSoupedAsCrossEncodersAndKindsDoNotMix()
    {
        string dir = Fixtures.NewTempDir(), output = Path.Combine(dir, "soup");
        var crossEncoders = new[] { 1L, 2L }.Select(seed =>
        {
            string folder = Path.Combine(dir, $"ce{seed}");
            using var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: seed,
                pooling: PoolingMode.Mean, compareSegments: true);
            ce.Save(folder);
            return folder;
        }).ToList();
        var (code, stdout, stderr) = RunSbert(["soup", .. crossEncoders, "--output", output, "--json"]);
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("cross-encoder", JsonNode.Parse(stdout.Trim().Split('\n')[^1])!["kind"]!.GetValue<string>());
        using (var expected = ModelSoup.AverageCrossEncoders(crossEncoders))
        using (var written = CrossEncoder.Load(output))
        {
            var pair = new (string?, string?)[] { ("a man is eating food.", "a man eats.") };
            Assert.AreEqual(expected.Predict(pair)[0], written.Predict(pair)[0]);
        }

        string biEncoder = TinySeeds(dir, 1)[0];
        (code, _, stderr) = RunSbert("soup", crossEncoders[0], biEncoder, "--output", Path.Combine(dir, "mixed"));
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, biEncoder);
        Assert.IsFalse(Directory.Exists(Path.Combine(dir, "mixed")));
        (code, _, stderr) = RunSbert("soup", biEncoder, "--output", Path.Combine(dir, "one"));
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, "two or more");
        (code, _, stderr) = RunSbert("soup", crossEncoders[0], crossEncoders[1], "--output", crossEncoders[1] + Path.DirectorySeparatorChar);
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, "is one of the models");
    }
}
