using System.Globalization;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class EmbedCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    [TestMethod]
    public void EmbedsOneLinePerInputLineIncludingEmptyLines()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        string input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "out.tsv");
        var lines = new[] { "A man is playing a guitar.", "", "Ein Mann spielt Gitarre.", "😀" };
        File.WriteAllText(input, string.Join("\r\n", lines) + "\n");

        var (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", output, "--batch-size", "2");
        Assert.AreEqual(0, code, stderr);
        var rows = File.ReadAllLines(output).Select(l => l.Split('\t').Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.AreEqual(lines.Length, rows.Count);
        // Same batch size, hence the same batches: the TSV must round-trip the floats exactly.
        using var encoder = SentenceEncoder.Load(model, new SentenceEncoderOptions { BatchSize = 2 });
        var expected = encoder.Encode(lines);
        for (int i = 0; i < lines.Length; i++) CollectionAssert.AreEqual(expected[i], rows[i], $"line {i + 1}");
        StringAssert.Contains(stderr, "embedded 4 row(s)");
    }

    [TestMethod]
    public void PromptNameAndLiteralPromptGoBeforeEachLine()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        File.WriteAllText(Path.Combine(model, SentenceEncoderConfig.FileName), """{"prompts":{"query":"find: "}}""");
        string input = Path.Combine(dir, "in.txt");
        File.WriteAllText(input, "a red car\nthe sky\n");
        using var encoder = SentenceEncoder.Load(model);
        var expected = encoder.Encode(new[] { "find: a red car", "find: the sky" });
        var plain = encoder.Encode(new[] { "a red car", "the sky" });
        foreach (var args in new[] { new[] { "--prompt-name", "query" }, new[] { "--prompt", "find: " } })
        {
            string output = Path.Combine(dir, $"out{args[0].Length}.tsv");
            var (code, _, stderr) = RunSbert(new[] { "embed", "--model", model, "--input", input, "--output", output }.Concat(args).ToArray());
            Assert.AreEqual(0, code, stderr);
            var rows = File.ReadAllLines(output).Select(l => l.Split('\t').Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray()).ToList();
            for (int i = 0; i < 2; i++)
            {
                for (int j = 0; j < expected[i].Length; j++) Assert.AreEqual(expected[i][j], rows[i][j], 1e-5f, $"{args[0]}, line {i + 1}");
                Assert.IsLessThan(0.99999, Fixtures.Cos(plain[i], rows[i]), "the prompt changed the vector");
            }
        }
        var (both, _, err) = RunSbert("embed", "--model", model, "--input", input, "--output", Path.Combine(dir, "x.tsv"), "--prompt-name", "query", "--prompt", "x");
        Assert.AreEqual(2, both, err);
    }

    [TestMethod]
    public void PoolingAndNormalizeOptionsApply()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        string input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "out.tsv");
        File.WriteAllText(input, "hello world\n");
        var (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", output, "--pooling", "mean+max", "--normalize");
        Assert.AreEqual(0, code, stderr);
        var row = File.ReadAllText(output).Trim().Split('\t').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        Assert.AreEqual(64, row.Length);
        Assert.AreEqual(1.0, Math.Sqrt(row.Sum(x => x * x)), 1e-5);
    }

    [TestMethod]
    public void UsageErrorsExitWithTwoAndNameTheOption()
    {
        var (code, _, stderr) = RunSbert("embed", "--input", "x.txt", "--output", "y.tsv", "--batchsize", "4");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "--batchsize");
        var (code2, _, stderr2) = RunSbert("embed", "--output", "y.tsv");
        Assert.AreEqual(2, code2);
        StringAssert.Contains(stderr2, "--input");
    }

    [TestMethod]
    public void MissingModelFolderExitsWithOne()
    {
        string dir = Fixtures.NewTempDir();
        string input = Path.Combine(dir, "in.txt");
        File.WriteAllText(input, "x\n");
        var (code, _, stderr) = RunSbert("embed", "--model", Path.Combine(dir, "nope"), "--input", input, "--output", Path.Combine(dir, "o.tsv"));
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "nope");
    }
}
