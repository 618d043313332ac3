using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MLNet.SentenceEmbeddings.Cli.Reproduction;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Reproduction;

[TestClass]
public class Table2SupervisedStsTests
{
    /// <summary>The --quick run's STSb pair counts, which are part of every kept run's key.</summary>
    private const int Train = Table2SupervisedSts.QuickTrainPairs, Eval = Table2SupervisedSts.QuickEvaluationPairs;

    [TestMethod]
    public void MeanAndDeviationUsesTheSampleStandardDeviation()
    {
        Assert.AreEqual("2.00 ± 1.00", Table2SupervisedSts.MeanAndDeviation(new[] { 1.0, 2.0, 3.0 }));
        Assert.AreEqual("85.50", Table2SupervisedSts.MeanAndDeviation(new[] { 85.5 }));
        Assert.AreEqual("–", Table2SupervisedSts.MeanAndDeviation(Array.Empty<double>()));
    }

    /// <summary>
    /// Kept runs are found by a key that holds the recipe's version, not its settings: a changed silver recipe or trainer
    /// default must come with a new version, or old figures would be averaged with new ones. Update both together.
    /// </summary>
    [TestMethod]
    public void TheRecipeVersionIsPinnedToTheSettingsOutsideTheRunKey()
    {
        string pinned = $"{Table2SupervisedSts.RecipeVersion}: {Table2SupervisedSts.RecipeSettings}";
        Assert.AreEqual("2: SilverRecipe { Row = cross-encoder-silver, Teacher = nli-regression, Neighbours = 2, Random = 1 }; "
            + "SilverRecipe { Row = cross-encoder-silver-from-augmented, Teacher = augmented-cosent, Neighbours = 5, Random = 2 }; "
            + "bi-encoder: batch_size 16, learning_rate 2E-05, head_learning_rate none, warmup_fraction 0.1, weight_decay 0.01, max_grad_norm 1, shuffle true, keep_best true; "
            + "cross-encoder: batch_size 16, learning_rate 0.0001, head_learning_rate none, warmup_fraction 0.1, weight_decay 0.01, max_grad_norm 1, shuffle true, keep_best true, loss default", pinned,
            "a Table 2 setting outside the run key changed: bump RecipeVersion (runs of the old recipe must not be reused), then update this pin to:\n" + pinned);
    }

    [TestMethod]
    public void BothOrdersFollowsEachPairWithItsSwapUnderTheSameLabel()
    {
        var pairs = new[] { new TrainingExample(new[] { "a", "b" }, 0.8), new TrainingExample(new[] { "c", "d" }, 0.1) };
        var both = Table2SupervisedSts.BothOrders(pairs);
        Assert.AreEqual("a|b|0.8 b|a|0.8 c|d|0.1 d|c|0.1",
            string.Join(" ", both.Select(e => string.Join("|", e.Texts) + "|" + e.Label.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>
    /// A stopped multi-seed run resumes from the figures it kept: with every (row, seed) of a quick two-seed run
    /// already in the runs file, nothing trains and each row is the mean ± deviation of the kept figures.
    /// </summary>
    [TestMethod]
    public void KeptRunsAreReusedAndAveraged()
    {
        var runs = new JsonObject();
        var kept = new Dictionary<string, double[]>();
        for (int r = 0; r < Table2SupervisedSts.RowKeys.Count; r++)
        {
            string row = Table2SupervisedSts.RowKeys[r];
            kept[row] = new[] { 70.0 + r, 72.0 + 3 * r };
            for (int seed = 1; seed <= 2; seed++)
                // --quick sizes, one epoch.
                runs[Table2SupervisedSts.RunKey(row, seed, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = kept[row][seed - 1], ["best_step"] = 30 };
        }
        string md = ReproduceFromKeptRuns(runs, options: ["--seeds", "2"]);
        StringAssert.Contains(md, "--seeds 2");
        StringAssert.Contains(md, $"{2 * kept.Count} of them reused");
        var ours = md.Split('\n').Where(l => l.StartsWith("| ours:", StringComparison.Ordinal)).Skip(1).ToList(); // the first is the untrained encoder
        Assert.AreEqual(kept.Count, ours.Count, md);
        for (int r = 0; r < ours.Count; r++)
            StringAssert.EndsWith(ours[r].TrimEnd(), $"| {Table2SupervisedSts.MeanAndDeviation(kept[Table2SupervisedSts.RowKeys[r]])} |");
        StringAssert.Contains(ours[1], "73.00 ± 2.83"); // cosent: 71 and 75
    }

    /// <summary>
    /// Runs of one precision are never reused for the other: a bf16 invocation reports its own kept figures, and lists
    /// the fp32 figure of the same seed beside each (the "at equal accuracy" check) without putting it in the table.
    /// </summary>
    [TestMethod]
    public void Bf16RunsAreKeptApartAndComparedWithFp32()
    {
        var runs = new JsonObject();
        foreach (string row in Table2SupervisedSts.RowKeys)
        {
            runs[Table2SupervisedSts.RunKey(row, 1, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 60.25 };
            runs[Table2SupervisedSts.RunKey(row, 1, 1, Train, Eval, Eval, Precision.BFloat16)] = new JsonObject { ["test"] = 61.5 };
        }
        string md = ReproduceFromKeptRuns(runs, options: ["--precision", "bf16"]);
        StringAssert.Contains(md, "--precision bf16");
        StringAssert.Contains(md, "bf16 autocast");
        var ours = md.Split('\n').Where(l => l.StartsWith("| ours:", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.AreEqual(Table2SupervisedSts.RowKeys.Count, ours.Count, md);
        Assert.IsTrue(ours.All(l => l.TrimEnd().EndsWith("| 61.50 |", StringComparison.Ordinal)), md);
        StringAssert.Contains(md, "regression seed 1 60.25 vs 61.50");
    }

    /// <summary>
    /// The runs file can live apart from the encoders (--kept; the repository keeps it in docs/kept-runs, since a new
    /// machine has no artifacts folder): a run with an empty artifacts folder resumes from it, and says where it is.
    /// </summary>
    [TestMethod]
    public void RunsKeptApartFromTheArtifactsAreReused()
    {
        var runs = new JsonObject();
        foreach (string row in Table2SupervisedSts.RowKeys)
            runs[Table2SupervisedSts.RunKey(row, 1, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 66.75 };
        string md = ReproduceFromKeptRuns(runs, keptApart: true);
        var ours = md.Split('\n').Where(l => l.StartsWith("| ours:", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.AreEqual(Table2SupervisedSts.RowKeys.Count, ours.Count, md);
        Assert.IsTrue(ours.All(l => l.TrimEnd().EndsWith("| 66.75 |", StringComparison.Ordinal)), md);
        StringAssert.Contains(md, $"kept in {Table2SupervisedSts.RunsFileName}");
    }

    /// <summary>
    /// Runs kept with other epochs (more epochs tried on a few seeds) are listed under the table with their best step,
    /// never averaged into the section's rows.
    /// </summary>
    [TestMethod]
    public void RunsOfOtherEpochsAreListedNotAveraged()
    {
        var runs = new JsonObject();
        foreach (string row in Table2SupervisedSts.RowKeys)
            runs[Table2SupervisedSts.RunKey(row, 1, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 66.75, ["best_step"] = 30 };
        runs[Table2SupervisedSts.RunKey("cross-encoder", 1, 8, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 70.5, ["best_step"] = 233, ["best_dev"] = 74.25 };
        // Kept before the dev figure was recorded: listed with its step alone.
        runs[Table2SupervisedSts.RunKey("regression", 1, 6, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 69.5, ["best_step"] = 42 };
        runs[Table2SupervisedSts.RunKey("cosent", 1, 8, Train, Eval, Eval, Precision.BFloat16)] = new JsonObject { ["test"] = 71.5, ["best_step"] = 200 };
        string md = ReproduceFromKeptRuns(runs);
        var ours = md.Split('\n').Where(l => l.StartsWith("| ours:", StringComparison.Ordinal)).Skip(1).ToList();
        Assert.IsTrue(ours.All(l => l.TrimEnd().EndsWith("| 66.75 |", StringComparison.Ordinal)), md);
        StringAssert.Contains(md, $"{Train / 16} steps per epoch");
        StringAssert.Contains(md, ": regression, 6 epochs, seed 1: 69.50 (best dev evaluation at step 42); cross-encoder, 8 epochs, seed 1: 70.50 (best dev evaluation 74.25 at step 233).");
        Assert.IsFalse(md.Contains("71.50", StringComparison.Ordinal), "a bf16 run is not listed in an fp32 section");
    }

    /// <summary>
    /// A soup's figure is kept under the seeds it averaged, since the encoders stay on the machine that trained them:
    /// the kept soup of the most seeds is shown, also over a soup of the fewer encoders here; a kept soup of exactly the
    /// encoders here is read back; and a row without one gets no soup line.
    /// </summary>
    [TestMethod]
    public void KeptSoupsAreShownWhereTheEncodersAreAbsent()
    {
        var runs = new JsonObject();
        foreach (string row in Table2SupervisedSts.RowKeys)
            for (int seed = 1; seed <= 3; seed++)
                runs[Table2SupervisedSts.RunKey(row, seed, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 60.0 + seed };
        runs[Table2SupervisedSts.SoupKey("cosent", new[] { 1, 2 }, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 62.5 };
        runs[Table2SupervisedSts.SoupKey("cosent", new[] { 1, 2, 3 }, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 63.25 };
        runs[Table2SupervisedSts.SoupKey("regression", new[] { 1, 2, 3 }, 1, Train, Eval, Eval, Precision.BFloat16)] = new JsonObject { ["test"] = 64.0 };
        // A seed's encoder lost before its soup was made leaves a gap; that soup still counts.
        runs[Table2SupervisedSts.SoupKey("angle", new[] { 1, 3 }, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 61.5 };
        // Two regression encoders here, a kept soup of three: the three-seed figure is shown, not a new two-seed soup.
        runs[Table2SupervisedSts.SoupKey("regression", new[] { 1, 2, 3 }, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 63.75 };
        // Two nli-cosent encoders here and a kept soup of exactly those seeds: read back, not averaged and scored again
        // (the untrained encoders here would score as the raw model does, not 62.75).
        runs[Table2SupervisedSts.SoupKey("nli-cosent", new[] { 1, 2 }, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 62.75 };
        // A kept greedy soup offered every bi-encoder here (and one more): shown, not chosen again.
        runs[Table2SupervisedSts.GreedySoupKey("bi-encoder", 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject
        {
            ["test"] = 65.5, ["dev"] = 70.25,
            ["offered"] = new JsonArray("regression seed 1", "regression seed 2", "cosent seed 3", "nli-cosent seed 1", "nli-cosent seed 2"),
            ["kept"] = new JsonArray("regression seed 1"),
        };
        string md = ReproduceFromKeptRuns(runs, prepareArtifacts: artifacts =>
        {
            using var encoder = SentenceEncoder.Load(Table2SupervisedSts.Model);
            foreach (string row in new[] { "regression", "nli-cosent" })
                foreach (int seed in new[] { 1, 2 })
                    encoder.Save(Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, row, seed, 1, Precision.Float32, quick: true));
        }, options: ["--seeds", "3"]);
        var soups = md.Split('\n').Where(l => l.Contains("soup of the", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(4, soups.Count, md);
        Assert.IsTrue(soups.Any(l => l.Contains("2 kept seeds' encoders of the nli-cosent row | 62.75 |", StringComparison.Ordinal)), md);
        StringAssert.Contains(md, "| ours: greedy soup across the bi-encoder rows' models on the machine that made it, 1 of 5 kept on STSb dev | 65.50 |");
        StringAssert.Contains(md, "The bi-encoder rows: offered regression seed 1, regression seed 2, cosent seed 3, nli-cosent seed 1, nli-cosent seed 2; kept regression seed 1 (STSb dev 70.25).");
        Assert.IsTrue(soups.Any(l => l.Contains("3 kept seeds' encoders of the regression row | 63.75 |", StringComparison.Ordinal)), md);
        // The bi-encoder rows with seeds but no soup are named.
        string line = md.Split('\n').Single(l => l.StartsWith("No soup for ", StringComparison.Ordinal));
        var noSoup = line["No soup for ".Length..line.IndexOf(':', StringComparison.Ordinal)].Split(", ");
        CollectionAssert.Contains(noSoup, "nli-regression", line);
        foreach (string souped in new[] { "cosent", "angle", "regression" }) CollectionAssert.DoesNotContain(noSoup, souped, line);
        Assert.IsTrue(soups.Any(l => l.Contains("3 kept seeds' encoders of the cosent row | 63.25 |", StringComparison.Ordinal)), md);
        Assert.IsTrue(soups.Any(l => l.Contains("2 kept seeds' encoders of the angle row | 61.50 |", StringComparison.Ordinal)), md);
    }

    /// <summary>
    /// A cross-encoder row is souped only where its saved head compares the two sentences (config.json says so): a new
    /// [CLS] classifier starts from its seed, so two seeds share no head to average.
    /// </summary>
    [TestMethod]
    public void CrossEncoderRowsAreSoupedOnlyWhereTheHeadComparesTheSentences()
    {
        var runs = new JsonObject();
        foreach (string row in Table2SupervisedSts.RowKeys)
            for (int seed = 1; seed <= 2; seed++)
            {
                runs[Table2SupervisedSts.RunKey(row, seed, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 60.0 + seed };
                // Kept, so the run does not score each model on both orders (minutes, and not what this test is about).
                runs[Table2SupervisedSts.BothOrdersKey(row, seed, 1, Train, Eval, Eval, Precision.Float32)] = new JsonObject { ["test"] = 60.0 + seed };
            }
        string md = ReproduceFromKeptRuns(runs, prepareArtifacts: artifacts =>
        {
            foreach (int seed in new[] { 1, 2 })
            {
                string Folder(string row) => Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, row, seed, 1, Precision.Float32, quick: true);
                using (var cls = CrossEncoder.Load(Table2SupervisedSts.Model, numLabels: 1, seed: seed)) cls.Save(Folder("cross-encoder"));
                using (var cosine = CrossEncoder.Load(Table2SupervisedSts.Model, numLabels: 1, seed: seed, pooling: PoolingMode.Mean, compareSegments: true))
                    cosine.Save(Folder("cross-encoder-cosine"));
                using var gated = CrossEncoder.Load(Table2SupervisedSts.Model, numLabels: 1, seed: seed, pooling: PoolingMode.Mean, compareSegments: true,
                    separateLayers: 6, crossSentenceGate: -4);
                gated.Save(Folder("cross-encoder-gate"));
            }
        }, options: ["--seeds", "2"]);
        var soups = md.Split('\n').Where(l => l.Contains("soup of the", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(2, soups.Count, md);
        StringAssert.Contains(soups[0], "2 kept seeds' cross-encoders of the cross-encoder-cosine row |", md);
        StringAssert.Contains(soups[1], "2 kept seeds' cross-encoders of the cross-encoder-gate row |", md);
        // The gated rows' greedy soup is chosen here (the two seeds' untrained models score alike, so both are kept);
        // the cross-encoder-cosine row is not under the gated layout and is not offered.
        StringAssert.Contains(md, "| ours: greedy soup across the gated cross-encoder rows' models on the machine that made it, 2 of 2 kept on STSb dev |");
        StringAssert.Contains(md, "The gated cross-encoder rows: offered cross-encoder-gate seed 1, cross-encoder-gate seed 2; kept cross-encoder-gate seed 1, cross-encoder-gate seed 2 (STSb dev ");
    }

    /// <summary>
    /// The NLI stage is one recipe for every NLI-first row: a seed's stage already in the artifacts folder (left by the
    /// nli-regression row) is read back for nli-cosent, not trained and written again.
    /// </summary>
    [TestMethod]
    public void AKeptNliStageIsReadNotTrainedAgain()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        string stage = Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, Table2SupervisedSts.NliStage, 1, 1, Precision.Float32, quick: true);
        using (var encoder = SentenceEncoder.Load(Table2SupervisedSts.Model)) encoder.Save(stage);
        string weights = Path.Combine(stage, "model.safetensors");
        byte[] before = File.ReadAllBytes(weights);
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            "reproduce", "--quick", "--tables", "2", "--seeds", "1", "--rows", "nli-cosent", "--output", report, "--artifacts", artifacts);
        Assert.AreEqual(0, code, stderr + stdout);
        StringAssert.Contains(stdout, "nli-cosent seed 1: NLI stage read from");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(weights), "the kept NLI stage was trained and written again");
        Assert.IsTrue(Directory.Exists(Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, "nli-cosent", 1, 1, Precision.Float32, quick: true)),
            "the STSb stage's encoder is kept like every bi-encoder row's");
        // The run keeps the dev evaluation it chose its weights by, beside the test figure.
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, Table2SupervisedSts.RunsFileName)))!
            [Table2SupervisedSts.RunKey("nli-cosent", 1, 1, Train, Eval, Eval, Precision.Float32)]!;
        Assert.IsTrue(run["best_dev"]!.GetValue<double>() is > 0 and <= 100, run.ToJsonString());
        Assert.IsTrue(run["best_step"]!.GetValue<int>() is > 0 and <= Train / 16, run.ToJsonString());
    }

    /// <summary>
    /// --train-seeds fills one seed without the seeds before it: seed 1, neither kept nor named, is left out; seed 2 is
    /// trained, kept and reported as one of two; a seed outside 1..--seeds is a usage error naming the option.
    /// </summary>
    [TestMethod]
    public void TrainSeedsTrainsOnlyTheSeedsItNames()
    {
        string sbert = Path.Combine(AppContext.BaseDirectory, "sbert.dll");
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        var (code, stdout, stderr) = ChildProcess.RunDll(sbert, "reproduce", "--quick", "--tables", "2", "--seeds", "2", "--train-seeds", "3",
            "--rows", "cosent", "--output", report, "--artifacts", artifacts);
        Assert.AreEqual(2, code, stderr + stdout);
        StringAssert.Contains(stderr, "--train-seeds: '3' is not one of the seeds 1 to 2");

        (code, stdout, stderr) = ChildProcess.RunDll(sbert, "reproduce", "--quick", "--tables", "2", "--seeds", "2", "--train-seeds", "2",
            "--rows", "cosent", "--output", report, "--artifacts", artifacts);
        Assert.AreEqual(0, code, stderr + stdout);
        StringAssert.Contains(stdout, "table 2: cosent seed 1: not kept and not in --rows or --train-seeds; left out");
        var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, Table2SupervisedSts.RunsFileName)))!.AsObject();
        Assert.IsFalse(runs.ContainsKey(Table2SupervisedSts.RunKey("cosent", 1, 1, Train, Eval, Eval, Precision.Float32)), runs.ToJsonString());
        Assert.IsTrue(runs.ContainsKey(Table2SupervisedSts.RunKey("cosent", 2, 1, Train, Eval, Eval, Precision.Float32)), runs.ToJsonString());
        string md = File.ReadAllText(report);
        StringAssert.Contains(md, "--seeds 2 --rows cosent --train-seeds 2", "the section records the command that made it");
        StringAssert.Contains(md, "(1 of 2 seeds)");
        StringAssert.Contains(md, "a dash: that seed is not kept): cosent –, ", "seed 2's figure must not read as seed 1's");
    }

    /// <summary>
    /// A run killed mid-stage (a session's end) goes on from the stage's newest checkpoint and keeps the figure an
    /// uninterrupted run gets; the checkpoints are deleted once the row's encoder is saved.
    /// </summary>
    [TestMethod]
    public void ARunKilledMidStageResumesFromItsCheckpointToTheSameFigure()
    {
        string sbert = Path.Combine(AppContext.BaseDirectory, "sbert.dll");
        string[] Args(string dir) => ["reproduce", "--quick", "--tables", "2", "--seeds", "1", "--rows", "cosent",
            "--output", Path.Combine(dir, "reproduction.md"), "--artifacts", Path.Combine(dir, "artifacts")];
        JsonNode Run(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "artifacts", Table2SupervisedSts.RunsFileName)))!
            [Table2SupervisedSts.RunKey("cosent", 1, 1, Train, Eval, Eval, Precision.Float32)]!;
        double Figure(string dir) => Run(dir)["test"]!.GetValue<double>();

        string straight = Fixtures.NewTempDir();
        var (code, stdout, stderr) = ChildProcess.RunDll(sbert, Args(straight));
        Assert.AreEqual(0, code, stderr + stdout);

        string stopped = Fixtures.NewTempDir();
        var (killed, printed) = ChildProcess.RunDllUntil(sbert, line => line.StartsWith("checkpoint ", StringComparison.Ordinal),
            watchStdErr: false, TimeSpan.FromMinutes(10), Args(stopped));
        Assert.IsTrue(killed, "no checkpoint was written:\n" + printed);
        string checkpoints = Path.Combine(stopped, "artifacts", Table2SupervisedSts.CheckpointsFolderName);
        string gold = Path.Combine(Table2SupervisedSts.ModelFolder(Path.Combine(stopped, "artifacts"), Table2SupervisedSts.CheckpointsFolderName, "cosent", 1, 1, Precision.Float32, quick: true), "gold");
        string? left = TrainingCheckpoints.Latest(gold);
        Assert.IsNotNull(left, printed);
        int at = int.Parse(Path.GetFileName(left)["checkpoint-".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsTrue(at > 0 && at < Train / 16, $"{left}: a checkpoint inside the stage, before its last step");

        // The same checkpoint as if a changed recipe had written it (another learning rate): it is discarded and the row
        // starts again instead of the table stopping. The figure alone would not tell a restart from a resume (both end
        // where the uninterrupted run did); the log and the run's record do.
        string changed = Fixtures.NewTempDir();
        Fixtures.CopyDirectory(stopped, changed);
        string state = Path.Combine(changed, Path.GetRelativePath(stopped, left), "trainer_state.json");
        var json = JsonNode.Parse(File.ReadAllText(state))!;
        json["run"]!["learning_rate"] = "0.5";
        File.WriteAllText(state, json.ToJsonString());
        (code, stdout, stderr) = ChildProcess.RunDll(sbert, Args(changed));
        Assert.AreEqual(0, code, stderr + stdout);
        StringAssert.Contains(stdout, "the checkpoint was trained with learning_rate 0.5");
        StringAssert.Contains(stdout, "are discarded and the row starts again");
        Assert.AreEqual(Figure(straight), Figure(changed), "the restarted row ends where the uninterrupted run did");
        var restarted = Run(changed);
        Assert.IsTrue(restarted["resumed"] is null && restarted["minutes"] is not null, "nothing was resumed: " + restarted.ToJsonString());
        Assert.IsFalse(Directory.EnumerateDirectories(Path.Combine(changed, "artifacts", Table2SupervisedSts.CheckpointsFolderName)).Any(),
            "the restarted row's checkpoints outlive its kept figure");

        (code, stdout, stderr) = ChildProcess.RunDll(sbert, Args(stopped));
        Assert.AreEqual(0, code, stderr + stdout);
        StringAssert.Contains(stdout, "cosent seed 1: the gold stage resumes from");
        StringAssert.Contains(stdout, $"after step {at}", "the training loop goes on after the checkpoint's step, not from the first");
        Assert.IsFalse(stdout.Contains($"step {at}: spearman", StringComparison.Ordinal), "the evaluation of the checkpoint's step ran again:\n" + stdout);
        Assert.AreEqual(Figure(straight), Figure(stopped), "the resumed run must end where the uninterrupted one did");
        Assert.IsFalse(Directory.EnumerateDirectories(checkpoints).Any(), "the row's checkpoints outlive its kept figure");
        var run = Run(stopped);
        Assert.IsTrue(run["resumed"]!.GetValue<bool>() && run["minutes"] is null, "a resumed run's minutes are not the whole run's: " + run.ToJsonString());
    }

    /// <summary>
    /// Augmented SBERT in one invocation: the augmented-cosent row needs the same seed's cross-encoder-silver model as
    /// its teacher, so it trains that row first (silver pairs labelled by the kept nli-regression encoder, then gold),
    /// keeps its figure and model, and labels the same silver pairs (drawn once) with it for the bi-encoder. Then the second round,
    /// a cross-encoder on silver pairs labelled by that bi-encoder.
    /// </summary>
    [TestMethod]
    public void AugmentedSbertTrainsItsCrossEncoderTeacherFirst()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        string Folder(string name) => Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, name, 1, 1, Precision.Float32, quick: true);
        // The silver pairs' sampler and first teacher, kept so that the test does not train the NLI and regression stages.
        using (var encoder = SentenceEncoder.Load(Table2SupervisedSts.Model)) encoder.Save(Folder("nli-regression"));
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            "reproduce", "--quick", "--tables", "2", "--seeds", "1", "--rows", "augmented-cosent", "--output", report, "--artifacts", artifacts);
        Assert.AreEqual(0, code, stderr + stdout);
        int byBiEncoder = stdout.IndexOf("silver pairs of STSb train sentences labelled by nli-regression", StringComparison.Ordinal);
        int byCrossEncoder = stdout.IndexOf("silver pairs of STSb train sentences labelled by cross-encoder-silver", StringComparison.Ordinal);
        Assert.IsTrue(byBiEncoder >= 0 && byCrossEncoder > byBiEncoder, stdout);
        // Both label the same pairs, drawn once.
        Assert.AreEqual(1, stdout.Split('\n').Count(l => l.Contains("nli-regression drew", StringComparison.Ordinal)), stdout);
        Assert.IsTrue(Directory.Exists(Folder("cross-encoder-silver")), "the teacher is kept");
        Assert.IsTrue(Directory.Exists(Folder("augmented-cosent")), "the student is kept like every bi-encoder row's");
        var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, Table2SupervisedSts.RunsFileName)))!.AsObject();
        foreach (string row in new[] { "cross-encoder-silver", "augmented-cosent" })
            Assert.IsTrue(runs[Table2SupervisedSts.RunKey(row, 1, 1, Train, Eval, Eval, Precision.Float32)]?["test"]?.GetValue<double>() is > 0 and <= 100, runs.ToJsonString());
        var table = File.ReadAllLines(report).Where(l => l.StartsWith("| ours:", StringComparison.Ordinal)).ToList();
        Assert.IsTrue(table.Any(l => l.Contains("Augmented SBERT", StringComparison.Ordinal) && !l.TrimEnd().EndsWith("| – |", StringComparison.Ordinal)), string.Join("\n", table));
        // The teacher, left out by --rows but trained for the student, is in the table of the same run.
        Assert.IsTrue(table.Any(l => l.Contains("then STSb |", StringComparison.Ordinal) && l.Contains("first 1 epoch on silver pairs", StringComparison.Ordinal) && !l.TrimEnd().EndsWith("| – |", StringComparison.Ordinal)), string.Join("\n", table));

        // The kept cross-encoder is scored on both orders once, its figure kept beside the runs and shown as a row.
        string bothOrders = Table2SupervisedSts.BothOrdersKey("cross-encoder-silver", 1, 1, Train, Eval, Eval, Precision.Float32);
        Assert.IsTrue(runs[bothOrders]?["test"]?.GetValue<double>() is > -100 and <= 100, runs.ToJsonString());
        Assert.IsTrue(table.Any(l => l.StartsWith("| ours: the cross-encoder-silver row's cross-encoders, each test pair scored on both orders |", StringComparison.Ordinal)), string.Join("\n", table));

        // The second round reads the student it just trained as its teacher instead of training it again.
        (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            "reproduce", "--quick", "--tables", "2", "--seeds", "1", "--rows", "cross-encoder-silver-from-augmented", "--output", report, "--artifacts", artifacts);
        Assert.AreEqual(0, code, stderr + stdout);
        StringAssert.Contains(stdout, "silver pairs of STSb train sentences labelled by augmented-cosent");
        Assert.IsFalse(stdout.Contains("training augmented-cosent now", StringComparison.Ordinal), stdout);
        Assert.IsTrue(Directory.Exists(Folder("cross-encoder-silver-from-augmented-stage")) && Directory.Exists(Folder("cross-encoder-silver-from-augmented")), "the stage and the final model are kept");
    }

    /// <summary>
    /// The gated cross-encoder as Augmented SBERT's student, and its gate-less control, in one invocation: each trains
    /// its own first stage on the teacher's labels under the row's own layout (a stage whose layout differed from its
    /// row's would stop the row), and only the gated one has a gate to report.
    /// </summary>
    [TestMethod]
    public void TheGatedStudentAndItsControlEachTrainTheirOwnFirstStage()
    {
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        string Folder(string name) => Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, name, 1, 1, Precision.Float32, quick: true);
        // The sampler and the teacher kept untrained, so that the test trains the two rows alone.
        using (var encoder = SentenceEncoder.Load(Table2SupervisedSts.Model)) encoder.Save(Folder("nli-regression"));
        using (var teacher = CrossEncoder.Load(Table2SupervisedSts.Model, numLabels: 1, seed: 1)) teacher.Save(Folder("cross-encoder-silver"));
        const string Gated = "cross-encoder-gate-augmented", Control = "cross-encoder-apart-6-augmented";
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            "reproduce", "--quick", "--tables", "2", "--seeds", "1", "--rows", $"{Gated},{Control}", "--output", report, "--artifacts", artifacts);
        Assert.AreEqual(0, code, stderr + stdout);
        // The two stages learn from one teacher's labels on one draw: labelled once, read twice.
        Assert.AreEqual(1, Regex.Count(stdout, "silver pairs of STSb train sentences labelled by cross-encoder-silver"), stdout);
        StringAssert.Contains(stdout, "silver pairs labelled by cross-encoder-silver earlier in this run, used again");
        Assert.IsFalse(stdout.Contains("training cross-encoder-silver now", StringComparison.Ordinal), "the kept teacher was trained again:\n" + stdout);
        var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, Table2SupervisedSts.RunsFileName)))!.AsObject();
        foreach (string row in new[] { Gated, Control })
        {
            Assert.IsTrue(Directory.Exists(Folder(row + "-stage")) && Directory.Exists(Folder(row)), $"{row}: the stage and the final model are kept");
            Assert.IsTrue(runs[Table2SupervisedSts.RunKey(row, 1, 1, Train, Eval, Eval, Precision.Float32)]?["test"]?.GetValue<double>() is > -100 and <= 100, runs.ToJsonString());
        }
        StringAssert.Contains(stdout, $"{Gated} seed 1: cross-sentence gate per layer");
        Assert.IsFalse(stdout.Contains($"{Control} seed 1: cross-sentence gate", StringComparison.Ordinal), stdout);
    }

    /// <summary>
    /// Runs <c>sbert reproduce --quick --tables 2</c> on a runs file holding <paramref name="runs"/> (in the artifacts
    /// folder, or with <paramref name="keptApart"/> in a folder named by --kept), checks that nothing trained, and returns the report.
    /// </summary>
    /// <param name="prepareArtifacts">Called with the artifacts folder before the run, to leave encoders there.</param>
    private static string ReproduceFromKeptRuns(JsonObject runs, bool keptApart = false, Action<string>? prepareArtifacts = null, string[]? options = null)
    {
        options ??= [];
        string dir = Fixtures.NewTempDir(), report = Path.Combine(dir, "reproduction.md"), artifacts = Path.Combine(dir, "artifacts");
        string kept = keptApart ? Path.Combine(dir, "kept") : artifacts;
        Directory.CreateDirectory(kept);
        prepareArtifacts?.Invoke(artifacts);
        File.WriteAllText(Path.Combine(kept, Table2SupervisedSts.RunsFileName), runs.ToJsonString());
        if (keptApart) options = [.. options, "--kept", kept];
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            new[] { "reproduce", "--quick", "--tables", "2", "--output", report, "--artifacts", artifacts }.Concat(options).ToArray());
        Assert.AreEqual(0, code, stderr + stdout);
        Assert.IsFalse(stdout.Contains("examples/s", StringComparison.Ordinal), "a kept run was trained again:\n" + stdout);
        return File.ReadAllText(report);
    }
}
