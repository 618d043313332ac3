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
        StringAssert.Contains(File.ReadAllText(report), "<!-- reproduce-table1:start -->");
    }
}
