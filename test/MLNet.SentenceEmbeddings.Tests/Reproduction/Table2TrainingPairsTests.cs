using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Reproduction;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Reproduction;

[TestClass]
public class Table2TrainingPairsTests
{
    private const int Train = Table2SupervisedSts.QuickTrainPairs, Eval = Table2SupervisedSts.QuickEvaluationPairs;

    /// <summary>
    /// The pairs section trains both rows on each cut of STSb train under its own key and folder, never the whole-set
    /// runs, which it reads from Table 2's kept figures; its gap is the bi-encoder's mean minus the cross-encoder's;
    /// a second run reuses every cut it kept and trains nothing.
    /// </summary>
    [TestMethod]
    public void CutsTrainApartAndTheWholeSetIsReadFromTable2sRuns()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        Directory.CreateDirectory(artifacts);
        string runsFile = Path.Combine(artifacts, Table2SupervisedSts.RunsFileName);
        var runs = new JsonObject
        {
            [Table2SupervisedSts.RunKey("regression", 1, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 80.0 },
            [Table2SupervisedSts.RunKey("cross-encoder", 1, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 75.5 },
        };
        File.WriteAllText(runsFile, runs.ToJsonString());
        string[] args = ["reproduce", "--quick", "--tables", Table2SupervisedSts.TrainingPairsId, "--output", report, "--artifacts", artifacts];

        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);
        Assert.AreEqual(0, code, stderr + stdout);
        var kept = JsonNode.Parse(File.ReadAllText(runsFile))!.AsObject();
        int[] cuts = [Train / 8, Train / 4, Train / 2];
        foreach (string row in new[] { "regression", "cross-encoder" })
            foreach (int pairs in cuts)
                Assert.IsTrue(kept.ContainsKey(Table2SupervisedSts.RunKey($"{row}-{pairs}-pairs", 1, 1, pairs, Eval, Eval, Precision.Float32)), $"{row} on {pairs} pairs: {kept.ToJsonString()}");
        Assert.AreEqual(2 + 2 * cuts.Length, kept.Count, "the whole-set runs are read, not trained again: " + kept.ToJsonString());
        var models = Directory.GetDirectories(Path.Combine(artifacts, Table2SupervisedSts.ModelsFolderName)).Select(Path.GetFileName).ToList();
        Assert.IsFalse(models.Any(m => m!.StartsWith("regression-v", StringComparison.Ordinal) || m!.StartsWith("cross-encoder-v", StringComparison.Ordinal)),
            "a cut must not write the whole-set row's folder: " + string.Join(", ", models));

        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "<!-- reproduce-pairs:start -->");
        StringAssert.Contains(md, $"--tables {Table2SupervisedSts.TrainingPairsId}");
        var table = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        StringAssert.StartsWith(table[0], $"| row | {cuts[0]} pairs | {cuts[1]} pairs | {cuts[2]} pairs | {Train} pairs |");
        StringAssert.EndsWith(table[1].TrimEnd(), "| 80.00 |", md);
        StringAssert.EndsWith(table[2].TrimEnd(), "| 75.50 |", md);
        StringAssert.EndsWith(table[3].TrimEnd(), "| 4.50 |", md);
        double CutFigure(string row, int pairs) =>
            kept[Table2SupervisedSts.RunKey($"{row}-{pairs}-pairs", 1, 1, pairs, Eval, Eval, Precision.Float32)]!["test"]!.GetValue<double>();
        StringAssert.Contains(table[3], string.Create(CultureInfo.InvariantCulture, $"| gap | {CutFigure("regression", cuts[0]) - CutFigure("cross-encoder", cuts[0]):F2} |"), md);

        (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);
        Assert.AreEqual(0, code, stderr + stdout);
        Assert.IsFalse(stdout.Contains("examples/s", StringComparison.Ordinal), "a kept cut was trained again:\n" + stdout);
    }
}
