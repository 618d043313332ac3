using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Reproduction;

namespace MLNet.SentenceEmbeddings.Tests.Reproduction;

[TestClass]
public class ObjectivesComparedTests
{
    /// <summary>
    /// The table is written from the kept scores alone: with every (objective, column) kept in the folder --kept names
    /// and no encoder on this machine, the run trains and loads nothing and the table shows each kept score in its
    /// row and column (another machine, or a new checkout, reuses docs/kept-runs this way).
    /// </summary>
    [TestMethod]
    public void KeptScoresFillTheTableWithoutTheEncoders()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts"), kept = Path.Combine(dir, "kept");
        Directory.CreateDirectory(kept);
        var results = new JsonObject();
        var expected = new Dictionary<string, List<string>>();
        var objectives = ObjectivesCompared.ObjectiveKeys;
        for (int o = 0; o < objectives.Count; o++)
        {
            // Measured where the artifacts folder had another path: the key names the encoder's recipe, not the path.
            string? folder = ObjectivesCompared.EncoderFolder(Path.Combine(dir, "elsewhere"), objectives[o], Precision.Float32, quick: true);
            expected[objectives[o]] = new List<string>();
            for (int c = 0; c < ObjectivesCompared.ColumnNames.Count; c++)
            {
                double score = 10 * o + c + 0.25;
                results[ObjectivesCompared.ResultKey(objectives[o], folder, ObjectivesCompared.ColumnNames[c], quick: true)] = score;
                expected[objectives[o]].Add(score.ToString("F2", CultureInfo.InvariantCulture));
            }
        }
        File.WriteAllText(Path.Combine(kept, ObjectivesCompared.ResultsFileName), results.ToJsonString());

        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "objectives", "--output", report, "--artifacts", artifacts, "--kept", kept });
        Assert.AreEqual(0, code, stderr + stdout);
        Assert.IsFalse(stdout.Contains("examples/s", StringComparison.Ordinal) || stdout.Contains("no encoder at", StringComparison.Ordinal), "an encoder was trained:\n" + stdout);
        Assert.IsFalse(Directory.Exists(Path.Combine(artifacts, Table2SupervisedSts.ModelsFolderName)), "no encoder is written");
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "<!-- reproduce-objectives:start -->");
        StringAssert.Contains(md, "--tables objectives");
        StringAssert.Contains(md, "the folder --kept names");
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

    /// <summary>A kept score belongs to the encoder's recipe: precision, data size and epochs give other keys, the machine's path does not.</summary>
    [TestMethod]
    public void AKeyNamesTheRecipeNotThePath()
    {
        string Key(string artifacts, Precision precision, bool quick, int? epochs = null) =>
            ObjectivesCompared.ResultKey("regression-stsb", ObjectivesCompared.EncoderFolder(artifacts, "regression-stsb", precision, quick, epochs), "STSb", quick);
        string here = Key("/a/artifacts", Precision.Float32, quick: false);
        Assert.AreEqual(here, Key("/b/other", Precision.Float32, quick: false));
        Assert.AreNotEqual(here, Key("/a/artifacts", Precision.BFloat16, quick: false));
        Assert.AreNotEqual(here, Key("/a/artifacts", Precision.Float32, quick: true));
        Assert.AreNotEqual(here, Key("/a/artifacts", Precision.Float32, quick: false, epochs: 2));
        Assert.AreNotEqual(ObjectivesCompared.ResultKey("none", null, "STSb", quick: true), ObjectivesCompared.ResultKey("none", null, "STSb", quick: false));
    }
}
