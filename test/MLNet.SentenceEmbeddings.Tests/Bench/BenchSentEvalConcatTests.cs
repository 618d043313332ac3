namespace MLNet.SentenceEmbeddings.Tests.Bench;

/// <summary>
/// <c>sbert-bench senteval --concat</c>: one more configuration made of other configurations' sentence vectors side
/// by side. What it cannot concatenate is refused by name before any report is written.
/// </summary>
[TestClass]
public class BenchSentEvalConcatTests
{
    [TestMethod]
    public void AnUnknownPartIsRefusedByName()
    {
        var (code, stderr, report) = Run("--concat", "minilm-mean,no-such-configuration");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(stderr, "--concat: unknown configuration 'no-such-configuration'");
        StringAssert.Contains(stderr, "minilm+arctic", "the message lists the ids it accepts");
        Assert.IsFalse(File.Exists(report));
    }

    [TestMethod]
    public void OnePartIsNotAConcatenation()
    {
        var (code, stderr, _) = Run("--concat", "minilm-mean");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(stderr, "needs at least two configuration ids, got 1");
    }

    /// <summary>FeaturizeText fits its features inside each fold, so it has no sentence vector to put beside another.</summary>
    [TestMethod]
    public void FeaturesFittedPerFoldAreRefused()
    {
        var (code, stderr, report) = Run("--concat", "minilm-mean,featurize-text");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(stderr, "'featurize-text' fits its features per fold");
        Assert.IsFalse(File.Exists(report));
    }

    /// <summary>--tuned-layer-weights adds tuned-layers:NAME beside tuned:NAME, and --concat can name it.</summary>
    [TestMethod]
    public void TunedLayerWeightsAddAConfigurationThatConcatKnows()
    {
        var (code, stderr, report) = Run("--tuned", "/no/such/my-encoder", "--tuned-layer-weights", "0,1,1", "--concat", "tuned-layers:my-encoder,featurize-text");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(stderr, "'featurize-text' fits its features per fold", "tuned-layers:my-encoder was accepted as a part");
        Assert.IsFalse(File.Exists(report));
        (code, stderr, _) = Run("--tuned", "/no/such/my-encoder", "--tuned-layer-weights", "0,z");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(stderr, "--tuned-layer-weights: layer weight 2 ('z') is not a number");
    }

    private static (int Code, string Stderr, string Report) Run(params string[] options)
    {
        string report = Path.Combine(Fixtures.NewTempDir(), "senteval.md");
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert-bench.dll"),
            new[] { "senteval", "--tasks", "MRPC", "--quick", "--output", report }.Concat(options).ToArray());
        return (code, stderr + stdout, report);
    }
}
