using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench;
using MLNet.SentenceEmbeddings.Cli;

namespace MLNet.SentenceEmbeddings.Tests.Bench;

/// <summary>The split: commands that write this repository's docs/ live in sbert-bench, not in the packed sbert tool.</summary>
[TestClass]
public class BenchRootCommandTests
{
    private static readonly string[] DocWriters = { "encoder", "memory", "transform", "training", "efficiency", "cross-encoder", "plots", "senteval", "reproduction", "soak" };

    [TestMethod]
    public void TheDocWritingCommandsAreInTheBenchToolOnly()
    {
        var bench = BenchRootCommand.Create().Subcommands.Select(c => c.Name).ToList();
        CollectionAssert.IsSubsetOf(DocWriters, bench);
        var sbert = SbertCommand.Create().Subcommands.Select(c => c.Name).ToList();
        Assert.IsFalse(sbert.Contains("bench"), "sbert has no bench command");
        foreach (var name in DocWriters.Where(n => n != "training")) Assert.IsFalse(sbert.Contains(name), name);
    }

    [TestMethod]
    public void BenchHelpRunsAsItsOwnProgram()
    {
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert-bench.dll"), "--help");
        Assert.AreEqual(0, code, stderr);
        foreach (var name in DocWriters) StringAssert.Contains(stdout, name);
    }
}
