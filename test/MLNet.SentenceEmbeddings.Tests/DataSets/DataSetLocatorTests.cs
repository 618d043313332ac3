using System.Diagnostics;
using System.Reflection;
using MLNet.SentenceEmbeddings.Cli.DataSets;

namespace MLNet.SentenceEmbeddings.Tests.DataSets;

/// <summary>Data on demand: where sbert data finds a data set, and the Quickstart without a data folder.</summary>
[TestClass]
public class DataSetLocatorTests
{
    private static (int Code, string Output) Run(string dll, string workingDirectory, string dataDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["SBERT_DATA_DIR"] = dataDir;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }

    [TestMethod]
    public void TheFolderNamedBySbertDataDirComesFirstAndMissingFilesAreNamed()
    {
        string root = Fixtures.NewTempDir();
        var stsb = DataSetCatalog.Find("stsb");
        Directory.CreateDirectory(Path.Combine(root, "stsb"));
        foreach (var f in stsb.Files.Skip(1)) File.WriteAllText(Path.Combine(root, "stsb", f), "");
        var partial = DataSetLocator.Check(root, stsb);
        Assert.IsNull(partial.Path);
        CollectionAssert.AreEqual(new[] { "sts-train.csv" }, partial.Missing.ToArray());

        File.WriteAllText(Path.Combine(root, "stsb", "sts-train.csv"), "");
        string sbert = Path.Combine(AppContext.BaseDirectory, "sbert.dll");
        var (code, output) = Run(sbert, root, root, "data", "locate", "stsb");
        Assert.AreEqual(0, code, output);
        Assert.AreEqual(Path.Combine(root, "stsb"), output.Trim());
        Assert.ThrowsExactly<ArgumentException>(() => DataSetCatalog.Find("imagenet"));
    }

    [TestMethod]
    public void TheHubHookIsTriedOnlyWhenAskedAndOnlyAfterTheDisk()
    {
        var dataSet = new DataSet("nowhere", "no/such/folder", ["x.txt"], "a test", "none");
        string hub = Fixtures.NewTempDir();
        DataSetLocator.HubDownload = (d, _) => d.Name == "nowhere" ? hub : null;
        try
        {
            Assert.AreEqual("missing", DataSetLocator.Locate(dataSet).Via);
            var downloaded = DataSetLocator.Locate(dataSet, allowDownload: true);
            Assert.AreEqual("hub", downloaded.Via);
            Assert.AreEqual(hub, downloaded.Path);
        }
        finally { DataSetLocator.HubDownload = null; }
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void QuickstartRunsItsSimilarityPartWithoutDataAndSaysHowToGetMr()
    {
        string quickstart = Path.GetFullPath(typeof(DataSetLocatorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "QuickstartPath").Value!);
        string empty = Fixtures.NewTempDir();
        var (code, output) = Run(quickstart, empty, empty);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Embedded 30 sentences (384 dims)");
        // The query about a musician finds the guitar sentences first.
        var lines = output.Split('\n');
        int query = Array.FindIndex(lines, l => l.StartsWith("Query: A musician plays an instrument.", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, query, output);
        StringAssert.Contains(lines[query + 1], "guitar");
        StringAssert.Contains(output, "rt-polaritydata.tar.gz");
        StringAssert.Contains(output, "senteval/MR");
    }
}
