using System.Text.Json;
using MLNet.SentenceEmbeddings.Tests.Packaging;

namespace MLNet.SentenceEmbeddings.Tests.Examples;

/// <summary>
/// Runs every examples/notebooks/*.ipynb headless with dotnet-repl (a local tool: .config/dotnet-tools.json), against
/// the packages packed from this build, and fails on any cell error.
/// </summary>
[TestClass]
public sealed class NotebookTests
{
    private static readonly Lazy<string> ToolRestore = new(() =>
    {
        var (code, output) = LocalPackages.Dotnet(LocalPackages.RepositoryRoot, TimeSpan.FromMinutes(5), "tool", "restore");
        if (code != 0) throw new InvalidOperationException($"dotnet tool restore failed ({code}):\n{output}");
        return output;
    });

    private static string NotebookDir => Path.Combine(LocalPackages.RepositoryRoot, "examples", "notebooks");

    public static IEnumerable<object[]> Notebooks =>
        Directory.GetFiles(Path.Combine(LocalPackages.RepositoryRoot, "examples", "notebooks"), "*.ipynb")
            .Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    [TestMethod]
    public void EveryNotebookReferencesThisVersionFromTheLocalFeed()
    {
        var names = Notebooks.Select(n => (string)n[0]).ToList();
        Assert.IsGreaterThanOrEqualTo(4, names.Count, string.Join(", ", names));
        foreach (var name in names)
        {
            string text = File.ReadAllText(Path.Combine(NotebookDir, name));
            StringAssert.Contains(text, $"#r \\\"nuget: MLNet.SentenceEmbeddings, {LocalPackages.Version}\\\"", name);
            StringAssert.Contains(text, "\\\"artifacts\\\", \\\"packages\\\"", name);
            // Committed executed (examples/notebooks/refresh.sh), so that a reader sees the results.
            using var doc = JsonDocument.Parse(text);
            var outputs = doc.RootElement.GetProperty("cells").EnumerateArray()
                .Where(c => c.GetProperty("cell_type").GetString() == "code")
                .SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToList();
            Assert.IsNotEmpty(outputs, $"{name}: commit the notebook executed (examples/notebooks/refresh.sh)");
            Assert.IsFalse(outputs.Any(o => o.GetProperty("output_type").GetString() == "error"), $"{name}: a committed output is an error");
        }
    }

    [TestMethod]
    [DynamicData(nameof(Notebooks))]
    [Timeout(900_000, CooperativeCancellation = true)]
    public void NotebookRunsWithoutErrors(string notebook)
    {
        _ = LocalPackages.Packed;
        _ = ToolRestore.Value;
        string output = Path.Combine(Fixtures.NewTempDir(), notebook);
        var (code, log) = LocalPackages.Dotnet(NotebookDir, TimeSpan.FromMinutes(12),
            "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-path", output);

        var errors = new List<string>();
        int codeCells = 0, cellsWithOutput = 0;
        if (File.Exists(output))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
            {
                if (cell.GetProperty("cell_type").GetString() != "code") continue;
                codeCells++;
                var outputs = cell.GetProperty("outputs");
                if (outputs.GetArrayLength() > 0) cellsWithOutput++;
                foreach (var o in outputs.EnumerateArray())
                    if (o.GetProperty("output_type").GetString() == "error")
                        errors.Add($"cell {codeCells}: {o.GetProperty("evalue").GetString()}");
            }
        }
        Assert.IsEmpty(errors, string.Join("\n", errors));
        Assert.AreEqual(0, code, $"dotnet-repl exit code {code}\n{Tail(log)}");
        Assert.IsGreaterThan(0, codeCells, $"{notebook}: no code cells ran\n{Tail(log)}");
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
