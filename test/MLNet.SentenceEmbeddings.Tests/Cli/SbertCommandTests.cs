using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary>The command tree as a user meets it: help, usage errors and completion come from the one definition.</summary>
[TestClass]
public class SbertCommandTests
{
    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    private static IEnumerable<Command> All(Command c) => new[] { c }.Concat(c.Subcommands.SelectMany(All));

    [TestMethod]
    public void EveryCommandAndOptionIsDescribed()
    {
        foreach (var command in All(SbertCommand.Create()))
        {
            Assert.IsFalse(string.IsNullOrWhiteSpace(command.Description), command.Name);
            foreach (var option in command.Options)
                Assert.IsFalse(string.IsNullOrWhiteSpace(option.Description), $"{command.Name} {option.Name}");
        }
    }

    [TestMethod]
    public void RootHelpListsTheCommandsAndTheExitCodes()
    {
        var (code, stdout, _) = RunSbert("--help");
        Assert.AreEqual(0, code);
        foreach (var name in new[] { "embed", "train", "eval", "reproduce", "130" }) StringAssert.Contains(stdout, name);
        var (noCommand, _, stderr) = RunSbert();
        Assert.AreEqual(2, noCommand, "no command is a usage error");
        StringAssert.Contains(stderr, "embed");
    }

    [TestMethod]
    public void AnInvalidValueIsAUsageErrorWithTheCommandsHelpOnStandardError()
    {
        var (code, stdout, stderr) = RunSbert("embed", "--input", "x.txt", "--output", "y.tsv", "--precision", "fp8");
        Assert.AreEqual(2, code);
        Assert.AreEqual("", stdout);
        StringAssert.Contains(stderr, "fp8");
        StringAssert.Contains(stderr, "--max-seq-length", "the help of embed follows the message");
        (code, _, stderr) = RunSbert("embed", "--input", "x.txt", "--output", "y.tsv", "--batch-size", "0");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "--batch-size expects an integer >= 1");
    }

    [TestMethod]
    public void CompletionOffersTheAcceptedValues()
    {
        var (code, stdout, _) = RunSbert("[suggest:18]", "embed --precision ");
        Assert.AreEqual(0, code);
        CollectionAssert.AreEquivalent(new[] { "bf16", "fp32", "int8" }, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [TestMethod]
    public void EncoderOptionsBindOntoSentenceEncoderOptions()
    {
        var embed = SbertCommand.Create().Subcommands.Single(c => c.Name == "embed");
        var set = new EncoderOptionSet();
        var command = set.AddTo(new Command("x"));
        var (model, options) = set.Bind(command.Parse(new[] { "--model", "arctic-xs", "--pooling", "mean+max", "--normalize", "--batch-size", "8",
            "--precision", "bf16", "--threads", "3", "--max-seq-length", "64", "--layer-weights", "0,1,0,0,0,0,1" }));
        Assert.AreEqual("arctic-xs", model);
        Assert.AreEqual(PoolingMode.Mean | PoolingMode.Max, options.Pooling);
        Assert.IsTrue(options.Normalize);
        Assert.AreEqual(8, options.BatchSize);
        Assert.AreEqual(Precision.BFloat16, options.Precision);
        Assert.AreEqual(3, options.Threads);
        Assert.AreEqual(64, options.MaxSequenceLength);
        CollectionAssert.AreEqual(new float[] { 0, 1, 0, 0, 0, 0, 1 }, options.LayerWeights);
        var bad = command.Parse(new[] { "--layer-weights", "0,one" });
        StringAssert.Contains(string.Join("\n", bad.Errors.Select(e => e.Message)), "--layer-weights: layer weight 2 ('one') is not a number");
        // Nothing given: the library's own defaults, and null where the model decides.
        var (_, defaults) = set.Bind(command.Parse(Array.Empty<string>()));
        var library = new SentenceEncoderOptions();
        Assert.AreEqual(library.BatchSize, defaults.BatchSize);
        Assert.AreEqual(library.Precision, defaults.Precision);
        Assert.AreEqual(library.Device, defaults.Device);
        Assert.IsNull(defaults.Pooling);
        Assert.IsNull(defaults.Normalize);
        Assert.IsNull(defaults.LayerWeights, "an absent --layer-weights keeps the model's layers (System.CommandLine reads it as an empty array)");
        Assert.IsNotNull(embed.Options.SingleOrDefault(o => o.Name == "--max-seq-length"), "embed carries the encoder options");
    }
}
