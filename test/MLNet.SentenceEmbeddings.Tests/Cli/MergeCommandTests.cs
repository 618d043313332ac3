using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary><c>sbert merge</c>: shard outputs joined into the single run's file, byte for byte, in every format.</summary>
[TestClass]
public class MergeCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void MergedShardsAreTheSingleRunOutputInEveryFormat()
    {
        string dir = Fixtures.NewTempDir(), model = Path.Combine(dir, "model"), input = Path.Combine(dir, "in.txt");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        // Lengths vary so that length sorting reorders every window; 530 rows in windows of 100 leave a short last shard.
        File.WriteAllLines(input, Enumerable.Range(0, 530).Select(i => string.Join(' ', Enumerable.Range(0, 1 + i % 11).Select(k => $"w{(i * 5 + k) % 89}")) + $" {i}"));
        foreach (var ext in new[] { ".npy", ".parquet", ".safetensors", ".tsv" })
        {
            string whole = Path.Combine(dir, "whole" + ext);
            var (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", whole, "--window", "100");
            Assert.AreEqual(0, code, stderr);
            var parts = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                parts.Add(Path.Combine(dir, $"shard{i}{ext}"));
                (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", parts[^1], "--window", "100", "--shard", $"{i}/3");
                Assert.AreEqual(0, code, stderr);
            }
            string merged = Path.Combine(dir, "merged" + ext);
            (code, var stdout, stderr) = RunSbert(["merge", .. parts, "--output", merged, "--json"]);
            Assert.AreEqual(0, code, stderr);
            StringAssert.Contains(stdout, "\"rows\":530");
            CollectionAssert.AreEqual(File.ReadAllBytes(whole), File.ReadAllBytes(merged), ext);
            if (ext != ".tsv")
                CollectionAssert.AreNotEqual(File.ReadAllBytes(whole), parts.SelectMany(File.ReadAllBytes).ToArray(), $"{ext}: concatenation alone is not the output");

            if (ext == ".parquet")
            {
                // Row ids tell a missing or misordered part.
                (code, _, stderr) = RunSbert("merge", parts[0], parts[2], parts[1], "--output", Path.Combine(dir, "bad.parquet"));
                Assert.AreEqual(1, code, stderr);
                StringAssert.Contains(stderr, parts[2]);
                StringAssert.Contains(stderr, "expected 200");
                Assert.IsFalse(File.Exists(Path.Combine(dir, "bad.parquet")));
            }
        }

        // Mixed formats in, one out: the rows are what counts.
        string mixed = Path.Combine(dir, "mixed.npy");
        var (c, _, e) = RunSbert("merge", Path.Combine(dir, "shard0.tsv"), Path.Combine(dir, "shard1.parquet"), Path.Combine(dir, "shard2.safetensors"), "--output", mixed);
        Assert.AreEqual(0, c, e);
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir, "whole.npy")), File.ReadAllBytes(mixed));
    }

    [TestMethod]
    public void PartsOfDifferentDimensionsOrTheOutputAsAPartAreRefused()
    {
        string dir = Fixtures.NewTempDir();
        string a = Path.Combine(dir, "a.npy"), b = Path.Combine(dir, "b.npy"), output = Path.Combine(dir, "out.npy");
        using (var w = EmbeddingWriter.Create(a, 3)) { w.Write(new float[] { 1, 2, 3 }); w.Complete(); }
        using (var w = EmbeddingWriter.Create(b, 2)) { w.Write(new float[] { 1, 2 }); w.Complete(); }
        var e = Assert.ThrowsExactly<InvalidDataException>(() => EmbeddingFileMerger.Merge([a, b], output));
        StringAssert.Contains(e.Message, b);
        StringAssert.Contains(e.Message, "expected 3");
        Assert.IsFalse(File.Exists(output));
        Assert.IsEmpty(Directory.GetFiles(dir, "*.tmp"), "no temporary file left");
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingFileMerger.Merge([a, output, a], output));
        var (code, _, stderr) = RunSbert("merge", a, Path.Combine(dir, "missing.npy"), "--output", output);
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "missing.npy");
    }
}
