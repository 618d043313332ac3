using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary><c>sbert reproduce --json</c>: the last line says which tables ran and where the Markdown went.</summary>
[TestClass]
public class ReproduceCommandTests
{
    [TestMethod]
    public void QuickTableOneWritesItsSectionAndPrintsJson()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md");
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "1", "--json", "--output", report });
        Assert.AreEqual(0, code, stderr);
        var json = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        CollectionAssert.AreEqual(new[] { "1" }, json["tables"]!.AsObject().Select(kv => kv.Key).ToArray());
        Assert.IsTrue(json["tables"]!["1"]!["minutes"]!.GetValue<double>() > 0);
        Assert.IsTrue(json["quick"]!.GetValue<bool>());
        Assert.AreEqual(report, json["output"]!.GetValue<string>());
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "<!-- reproduce-table1:start -->");
        // STS12-16 come from the data folder without --sts-years, and the Avg. column is filled for our rows.
        var ours = md.Split('\n').First(l => l.StartsWith("| ours:", StringComparison.Ordinal));
        Assert.AreEqual(9, ours.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length, ours);
        Assert.IsFalse(ours.Contains('–'), "every column, Avg. included, has a figure: " + ours);
    }

    /// <summary>Table 2 saves the encoder it trained and Table 5 runs SentEval on it, as the paper's Table 5 does with its SBERT.</summary>
    [TestMethod]
    public void QuickTablesTwoAndFiveEvaluateTheTrainedEncoder()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "2,5", "--rows", "regression", "--output", report, "--artifacts", artifacts, "--cache", Path.Combine(dir, "cache") });
        Assert.AreEqual(0, code, stderr + stdout);
        string tuned = Path.Combine(artifacts, "all-MiniLM-L6-v2-stsb-regression");
        Assert.IsTrue(File.Exists(Path.Combine(tuned, "model.safetensors")), $"no trained encoder in {tuned}");
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "reproduce --tables 2,5 --quick --rows regression", "each section records the invocation that wrote it");
        int table5 = md.IndexOf("<!-- reproduce-table5:start -->", StringComparison.Ordinal);
        Assert.IsTrue(table5 > md.IndexOf("<!-- reproduce-table2:end -->", StringComparison.Ordinal), "Table 5 follows Table 2");
        var tunedRow = md[table5..].Split('\n').Single(l => l.StartsWith("| ours:", StringComparison.Ordinal) && l.Contains("Table 2's encoder"));
        // Seven task accuracies and the average, all filled.
        var cells = tunedRow.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
        Assert.AreEqual(8, cells.Count, tunedRow);
        foreach (var c in cells) Assert.IsTrue(double.TryParse(c, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > 0 && v <= 100, tunedRow);
    }

    /// <summary>
    /// Every Table 2 row's recipe runs end to end on the quick data (teachers, silver pairs, first stages and gates
    /// included) and reports a figure. About ten minutes on 2 cores, so it is an integration test, out of the README's
    /// test command: run it with SBERT_INTEGRATION=1 and --filter TestCategory=Integration (docs/reproduction.md).
    /// </summary>
    [TestMethod]
    [TestCategory("Integration")]
    public void QuickTableTwoTrainsEveryRow()
    {
        if (Environment.GetEnvironmentVariable("SBERT_INTEGRATION") != "1")
            Assert.Inconclusive("an integration test: set SBERT_INTEGRATION=1 to run it");
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md");
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "2", "--output", report, "--artifacts", Path.Combine(dir, "artifacts") });
        Assert.AreEqual(0, code, stderr + stdout);
        string md = File.ReadAllText(report);
        var ours = md.Split('\n').Where(l => l.StartsWith("| ours:", StringComparison.Ordinal)).ToList();
        Assert.IsTrue(ours.Count > 40, $"{ours.Count} rows of ours");
        foreach (var row in ours) Assert.IsFalse(row.TrimEnd().EndsWith("| – |", StringComparison.Ordinal), "a row without a figure: " + row);
    }

    /// <summary>Table 6 trains every pooling and concatenation, each from the shipped encoder, the new head at its own rate.</summary>
    [TestMethod]
    public void QuickTableSixFillsEveryConfiguration()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md");
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "6", "--output", report });
        Assert.AreEqual(0, code, stderr + stdout);
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "the new softmax head at lr 2e-3");
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var pooling = md.Split('\n').Where(l => l.StartsWith("| MEAN |") || l.StartsWith("| MAX |") || l.StartsWith("| CLS |")).ToList();
        var concatenation = md.Split('\n').Where(l => l.StartsWith("| (")).ToList();
        Assert.AreEqual(3, pooling.Count, md);
        Assert.AreEqual(7, concatenation.Count, md);
        foreach (var row in pooling.Concat(concatenation))
        {
            var cells = row.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).ToList();
            // Every figure is a number: Spearman x100 within [-100, 100], the loss of a three-way softmax above 0.
            foreach (var c in cells) Assert.IsTrue(double.TryParse(c, inv, out var v) && v is > -100 and <= 100, row);
            Assert.IsTrue(double.Parse(cells[^1], inv) > 0, row);
        }
    }
}
