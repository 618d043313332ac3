using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Training;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class SilverCommandTests
{
    /// <summary>
    /// The written tsv is the library's sample with the cross-encoder's scores, in the layout <c>sbert train --format tsv</c>
    /// reads (its reader parses every line, scores in [0, 1]); no pair of an --exclude file appears.
    /// </summary>
    [TestMethod]
    public void WritesTheCrossEncodersLabelsAsTrainableTsv()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), corpus = Path.Combine(dir, "c.txt"), output = Path.Combine(dir, "silver.tsv");
        string teacher = Path.Combine(dir, "teacher"), gold = Path.Combine(dir, "gold.tsv"), test = Path.Combine(dir, "test.tsv");
        using (var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, maxSequenceLength: 64, seed: 3)) ce.Save(teacher);
        File.WriteAllLines(corpus, Corpus);
        File.WriteAllText(gold, $"{Corpus[0]}\t{Corpus[2]}\t0.9\n");
        File.WriteAllText(test, $"{Corpus[5]}\t{Corpus[3]}\t0.8\n");
        var (code, stdout, stderr) = RunSbert("silver", "--model", model, "--cross-encoder", teacher, "--input", corpus, "--output", output,
            "--neighbours", "2", "--random", "1", "--seed", "5", "--exclude", gold + "," + test);
        Assert.AreEqual(0, code, stderr + stdout);
        StringAssert.Contains(stderr, "wrote");

        List<TrainingExample> expected;
        using (var encoder = SentenceEncoder.Load(model))
        using (var ce = CrossEncoder.Load(teacher))
        {
            var pairs = SilverPairs.Sample(encoder, Corpus, 2, 1, 5, exclude: new[] { (Corpus[0], Corpus[2]), (Corpus[5], Corpus[3]) });
            expected = SilverPairs.Label(pairs, p => ce.Predict(p));
        }
        var written = TsvReader.ReadScored(output);
        Assert.AreEqual(expected.Count, written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            Assert.AreEqual(expected[i].Texts[0], written[i].Sentence1);
            Assert.AreEqual(expected[i].Texts[1], written[i].Sentence2);
            Assert.AreEqual(expected[i].Label, written[i].Score, 1e-6);
        }
        foreach (var (a, b) in new[] { (Corpus[0], Corpus[2]), (Corpus[3], Corpus[5]) })
            Assert.IsFalse(written.Any(p => new[] { p.Sentence1, p.Sentence2 }.Order().SequenceEqual(new[] { a, b }.Order())), $"an excluded pair was written: {a} / {b}");
    }

    /// <summary>Without a cross-encoder the label is the bi-encoder's cosine clipped to [0, 1]; a tab inside a sentence does not split the line.</summary>
    [TestMethod]
    public void WithoutACrossEncoderTheCosineIsTheLabel()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), corpus = Path.Combine(dir, "c.jsonl"), output = Path.Combine(dir, "silver.tsv");
        var texts = Corpus.Append("A cat\tsleeps.").ToArray();
        File.WriteAllLines(corpus, texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        var (code, _, stderr) = RunSbert("silver", "--model", model, "--input", corpus, "--output", output, "--neighbours", "1", "--random", "0");
        Assert.AreEqual(0, code, stderr);
        var written = TsvReader.ReadScored(output);
        using var encoder = SentenceEncoder.Load(model);
        foreach (var p in written)
        {
            double cosine = Math.Clamp(Fixtures.Cos(encoder.Encode(p.Sentence1), encoder.Encode(p.Sentence2)), 0, 1);
            Assert.AreEqual(cosine, p.Score, 1e-5, $"{p.Sentence1} / {p.Sentence2}");
        }
        Assert.IsTrue(written.Any(p => p.Sentence1 == "A cat sleeps." || p.Sentence2 == "A cat sleeps."), string.Join("\n", File.ReadAllLines(output)));
    }

    [TestMethod]
    public void NoPairToDrawIsAUsageError()
    {
        string dir = Fixtures.NewTempDir(), corpus = Path.Combine(dir, "c.txt"), output = Path.Combine(dir, "silver.tsv");
        File.WriteAllLines(corpus, Corpus);
        var (code, _, stderr) = RunSbert("silver", "--model", TinyEncoder(dir), "--input", corpus, "--output", output, "--neighbours", "0", "--random", "0");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(stderr, "--neighbours 0 and --random 0");
        Assert.IsFalse(File.Exists(output));
    }
}
