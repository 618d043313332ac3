using System.Text.Json;
using MLNet.SentenceEmbeddings.MLNet.SentEval;

namespace MLNet.SentenceEmbeddings.Tests.SentEval;

[TestClass]
public class SentEvalCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    /// <summary>A SentEval folder with tiny MR, TREC and MRPC files in the real layouts.</summary>
    private static string WriteTinySentEval()
    {
        string root = Fixtures.NewTempDir();
        Directory.CreateDirectory(Path.Combine(root, "MR"));
        File.WriteAllLines(Path.Combine(root, "MR", "rt-polarity.pos"), Enumerable.Range(0, 12).Select(i => $"a wonderful lovely film number {i}"));
        File.WriteAllLines(Path.Combine(root, "MR", "rt-polarity.neg"), Enumerable.Range(0, 12).Select(i => $"awful boring mess {i}"));
        Directory.CreateDirectory(Path.Combine(root, "TREC"));
        string[] classes = { "ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM" };
        File.WriteAllLines(Path.Combine(root, "TREC", "train_5500.label"), classes.SelectMany(c => Enumerable.Range(0, 3).Select(i => $"{c}:x question {c.ToLowerInvariant()} {i} ?")));
        File.WriteAllLines(Path.Combine(root, "TREC", "TREC_10.label"), classes.Select(c => $"{c}:x question {c.ToLowerInvariant()} ?"));
        Directory.CreateDirectory(Path.Combine(root, "MRPC"));
        const string header = "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String";
        File.WriteAllLines(Path.Combine(root, "MRPC", "msr_paraphrase_train.txt"),
            new[] { header }.Concat(Enumerable.Range(0, 12).Select(i => i % 2 == 0 ? $"1\t{i}\t{i}\tthe cat sat {i}\tthe cat sat {i}" : $"0\t{i}\t{i}\tthe cat sat {i}\tstocks fell sharply")));
        File.WriteAllLines(Path.Combine(root, "MRPC", "msr_paraphrase_test.txt"),
            new[] { header, "1\t1\t1\ta dog ran\ta dog ran", "0\t2\t2\ta dog ran\tprices rose" });
        return root;
    }

    [TestMethod]
    public void JsonIsTheLastLineWithTasksAccuracyF1AndAverage()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        string data = WriteTinySentEval();
        var (code, stdout, stderr) = RunSbert("eval", "senteval", "--model", model, "--tasks", "MR,TREC,MRPC", "--data", data, "--quick", "--json");
        Assert.AreEqual(0, code, stderr);
        string last = stdout.TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        var tasks = json.RootElement.GetProperty("tasks");
        CollectionAssert.AreEqual(new[] { "MR", "TREC", "MRPC" }, tasks.EnumerateObject().Select(p => p.Name).ToArray());
        // A percentage, not a fraction: TREC and MRPC score one split (6 and 2 test rows), so 100 x correct / rows.
        foreach (var (task, rows) in new[] { ("TREC", 6), ("MRPC", 2) })
        {
            double acc = tasks.GetProperty(task).GetProperty("accuracy").GetDouble();
            double correct = acc * rows / 100;
            Assert.AreEqual(Math.Round(correct), correct, 1e-3, $"{task} accuracy {acc} must be 100 x (correct rows) / {rows}");
        }
        // And each figure is the one the library computes with the same model, data and --quick settings.
        using var source = new EncoderFeatureSource(model);
        var expected = new SentEvalRunner(options: new SentEvalOptions { Quick = true })
            .Run(source, data, new[] { "MR", "TREC", "MRPC" });
        foreach (var t in expected.Tasks)
            Assert.AreEqual(Math.Round(t.Accuracy, 2), Math.Round(tasks.GetProperty(t.Task).GetProperty("accuracy").GetDouble(), 2), 1e-9, $"{t.Task} accuracy");
        Assert.AreEqual(JsonValueKind.Number, tasks.GetProperty("MRPC").GetProperty("f1").ValueKind);
        Assert.IsFalse(tasks.GetProperty("MR").TryGetProperty("f1", out _), "F1 only for MRPC");
        double mean = tasks.EnumerateObject().Average(t => t.Value.GetProperty("accuracy").GetDouble());
        Assert.AreEqual(mean, json.RootElement.GetProperty("average").GetDouble(), 0.006);
    }

    [TestMethod]
    public void FeaturizeTextNeedsNoModelAndSeparatesTheTinyMr()
    {
        var (code, stdout, stderr) = RunSbert("eval", "senteval", "--features", "featurize-text", "--tasks", "MR", "--data", WriteTinySentEval(), "--kfold", "3", "--json");
        Assert.AreEqual(0, code, stderr);
        using var json = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        Assert.AreEqual(100.0, json.RootElement.GetProperty("tasks").GetProperty("MR").GetProperty("accuracy").GetDouble(), 0.01);
    }

    [TestMethod]
    public void UnknownTaskIsAUsageError()
    {
        var (code, _, stderr) = RunSbert("eval", "senteval", "--tasks", "MR,SICK");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "SICK");
    }
}
