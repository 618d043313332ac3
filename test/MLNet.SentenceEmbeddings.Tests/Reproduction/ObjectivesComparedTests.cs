using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Reproduction;

namespace MLNet.SentenceEmbeddings.Tests.Reproduction;

[TestClass]
public class ObjectivesComparedTests
{
    /// <summary>
    /// A stopped comparison resumes from the scores it kept: with every (objective, column) kept for encoder folders
    /// that are not loadable models, the run loads and trains nothing (a load would fail on them) and the table shows
    /// each kept score in its row and column.
    /// </summary>
    [TestMethod]
    public void KeptScoresFillTheTableWithoutTrainingOrLoading()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        Directory.CreateDirectory(artifacts);
        var results = new JsonObject();
        var expected = new Dictionary<string, List<string>>();
        var objectives = ObjectivesCompared.ObjectiveKeys;
        for (int o = 0; o < objectives.Count; o++)
        {
            string? folder = ObjectivesCompared.EncoderFolder(artifacts, objectives[o], Precision.Float32, quick: true);
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "model.safetensors"), "not a model");
            }
            expected[objectives[o]] = new List<string>();
            for (int c = 0; c < ObjectivesCompared.ColumnNames.Count; c++)
            {
                double score = 10 * o + c + 0.25;
                results[ObjectivesCompared.ResultKey(objectives[o], folder, ObjectivesCompared.ColumnNames[c], quick: true)] = score;
                expected[objectives[o]].Add(score.ToString("F2", CultureInfo.InvariantCulture));
            }
        }
        File.WriteAllText(Path.Combine(artifacts, ObjectivesCompared.ResultsFileName), results.ToJsonString());

        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "objectives", "--output", report, "--artifacts", artifacts });
        Assert.AreEqual(0, code, stderr + stdout);
        Assert.IsFalse(stdout.Contains("examples/s", StringComparison.Ordinal), "an encoder was trained:\n" + stdout);
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "<!-- reproduce-objectives:start -->");
        StringAssert.Contains(md, "--tables objectives");
        var rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| objective", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(objectives.Count, rows.Count, md);
        for (int o = 0; o < objectives.Count; o++)
            StringAssert.EndsWith(rows[o].TrimEnd(), "| " + string.Join(" | ", expected[objectives[o]]) + " |", md);
    }

    /// <summary>
    /// A run that stops part-way has already written what it scored: with the first two objectives kept and the third's
    /// encoder unreadable, the command fails on that encoder, naming it, and the section holds two filled rows and says
    /// it is in progress.
    /// </summary>
    [TestMethod]
    public void AStoppedRunLeavesASectionWithTheObjectivesScoredSoFar()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        Directory.CreateDirectory(artifacts);
        var results = new JsonObject();
        var objectives = ObjectivesCompared.ObjectiveKeys;
        for (int o = 0; o < 3; o++)
        {
            string? folder = ObjectivesCompared.EncoderFolder(artifacts, objectives[o], Precision.Float32, quick: true);
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, "model.safetensors"), "not a model");
            }
            if (o < 2)
                foreach (string column in ObjectivesCompared.ColumnNames)
                    results[ObjectivesCompared.ResultKey(objectives[o], folder, column, quick: true)] = 50.5;
        }
        File.WriteAllText(Path.Combine(artifacts, ObjectivesCompared.ResultsFileName), results.ToJsonString());

        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "objectives", "--output", report, "--artifacts", artifacts });
        Assert.AreNotEqual(0, code, "the third encoder is not a model:\n" + stdout);
        StringAssert.Contains(stderr + stdout, ObjectivesCompared.EncoderFolder(artifacts, objectives[2], Precision.Float32, quick: true)!.Split(Path.DirectorySeparatorChar)[^1]);
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, $"In progress: 2 of {objectives.Count} objectives scored");
        var rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| objective", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(objectives.Count, rows.Count, md);
        Assert.AreEqual(2, rows.Count(r => r.Contains("| 50.50 |", StringComparison.Ordinal)), md);
        Assert.AreEqual(objectives.Count - 2, rows.Count(r => r.TrimEnd().EndsWith("| – | – |", StringComparison.Ordinal)), md);
    }

    /// <summary>A kept score belongs to the encoder files it was measured on: retraining (newer files) scores again.</summary>
    [TestMethod]
    public void RetrainedEncoderGetsANewKey()
    {
        string folder = Fixtures.NewTempDir();
        string file = Path.Combine(folder, "model.safetensors");
        File.WriteAllText(file, "a");
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        string before = ObjectivesCompared.ResultKey("regression-stsb", folder, "STSb", quick: false);
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        Assert.AreNotEqual(before, ObjectivesCompared.ResultKey("regression-stsb", folder, "STSb", quick: false));
        Assert.AreNotEqual(ObjectivesCompared.ResultKey("none", null, "STSb", quick: true), ObjectivesCompared.ResultKey("none", null, "STSb", quick: false));
    }
}
