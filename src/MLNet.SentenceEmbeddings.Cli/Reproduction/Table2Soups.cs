using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

// Table 2's rows that reuse the trained seeds: the uniform soup of a row's models and a cross-encoder row's models
// scored on both orders of each test pair, each figure kept under its own key.
public static partial class Table2SupervisedSts
{
    /// <summary>
    /// For each bi-encoder row, and each cross-encoder row whose head compares the two sentences, the STSb test figure
    /// of the uniform soup of the most seeds: one model of the row's size, no choice made on test (every kept seed goes
    /// in). A cross-encoder's new [CLS] classifier starts from its seed, so its seeds share no start to average from;
    /// a comparing head starts from the same constants in every seed. Each soup's figure is kept in the runs file under the seeds it
    /// averaged, since the encoders (gitignored, 90 MB each) do not travel with the repository: a kept soup of more
    /// seeds than this machine has encoders for is shown instead of averaging the fewer encoders here, and a kept soup
    /// of exactly the seeds here is read back instead of averaged again.
    /// </summary>
    private static List<(Row Row, int Seeds, double Test)> Soups(Setup setup)
    {
        var soups = new List<(Row, int, double)>();
        var runs = Runs(setup.Ctx);
        var keptSoups = runs.Read();
        foreach (var row in Rows)
        {
            var seeds = Enumerable.Range(1, setup.Ctx.Seeds).Where(k => ReproductionContext.IsKept(ModelFolder(setup.Ctx, row.Key, k))).ToList();
            if (KeptSoup(setup, keptSoups, row.Key, moreSeedsThan: Math.Max(1, seeds.Count)) is { } found)
            {
                setup.Ctx.Log.WriteLine($"table 2: soup of {row.Key} seeds {string.Join(",", found.Seeds)}: {found.Test:F2} (kept in {runs.Path}; this machine has encoders of {seeds.Count} seed(s))");
                soups.Add((row, found.Seeds.Count, found.Test));
            }
            else if (seeds.Count >= 2 && Kept(keptSoups, SoupKey(setup, row.Key, seeds)) is double same)
            {
                // The same seeds' models, so the same soup: bf16 training repeats bit for bit on one CPU kind, and a
                // changed recipe changes the key's version. Averaging and scoring again would cost minutes a row.
                setup.Ctx.Log.WriteLine($"table 2: soup of {row.Key} seeds {string.Join(",", seeds)}: {same:F2} (kept in {runs.Path})");
                soups.Add((row, seeds.Count, same));
            }
            else if (seeds.Count >= 2 && (row.BiEncoder || HeadComparesSentences(ModelFolder(setup.Ctx, row.Key, seeds[0]))))
            {
                var folders = seeds.Select(k => ModelFolder(setup.Ctx, row.Key, k)).ToList();
                double test = row.BiEncoder ? BiEncoderSoup(setup, folders) : CrossEncoderSoup(setup, folders);
                setup.Ctx.Log.WriteLine($"table 2: soup of {seeds.Count} {row.Key} models: STSb test {test:F2}");
                runs.Keep(SoupKey(setup, row.Key, seeds), new JsonObject { ["test"] = test });
                soups.Add((row, seeds.Count, test));
            }
        }
        return soups;
    }

    private static double BiEncoderSoup(Setup setup, List<string> folders)
    {
        using var soup = ModelSoup.Average(folders, new SentenceEncoderOptions { Threads = setup.Ctx.Threads });
        return 100 * new EmbeddingSimilarityEvaluator(setup.Test).Evaluate(soup)["spearman_cosine"];
    }

    /// <summary>Scored on one order of each pair, as the row itself is.</summary>
    private static double CrossEncoderSoup(Setup setup, List<string> folders)
    {
        using var soup = ModelSoup.AverageCrossEncoders(folders, new EncoderOptions { Threads = setup.Ctx.Threads });
        return 100 * new CrossEncoderCorrelationEvaluator(setup.Test).Evaluate(soup)["spearman"];
    }

    /// <summary>What the saved cross-encoder's config.json says of its head, without loading its weights.</summary>
    private static bool HeadComparesSentences(string folder) =>
        CrossEncoderFolder.ReadHead(new FolderFileSource(folder), "")?.CompareSegments ?? false;

    /// <summary>
    /// The kept soup of <paramref name="row"/> averaging the most of seeds 1 to --seeds, if it averaged more than
    /// <paramref name="moreSeedsThan"/>; any subset counts (a seed whose encoder was lost leaves a gap).
    /// </summary>
    private static (List<int> Seeds, double Test)? KeptSoup(Setup setup, JsonObject kept, string row, int moreSeedsThan)
    {
        // Every subset of at most MaxSoupSeeds seeds: 2^10 look-ups at the paper's 10 seeds.
        int n = Math.Min(setup.Ctx.Seeds, MaxSoupSeeds);
        (List<int> Seeds, double Test)? best = null;
        for (int mask = 1; mask < 1 << n; mask++)
        {
            var seeds = Enumerable.Range(1, n).Where(k => (mask & (1 << (k - 1))) != 0).ToList();
            if (seeds.Count <= Math.Max(moreSeedsThan, best?.Seeds.Count ?? 0)) continue;
            if (Kept(kept, SoupKey(setup, row, seeds)) is double test) best = (seeds, test);
        }
        return best;
    }

    /// <summary>The most seeds <see cref="KeptSoup"/> looks through.</summary>
    private const int MaxSoupSeeds = 12;

    /// <summary>
    /// Each cross-encoder row's seeds scored on both orders of every test pair: from the row's model where it is on
    /// this machine (scored once, then kept in the runs file like a soup, since the models do not travel with the
    /// repository), else the figure an earlier run kept. Seeds with neither are left out.
    /// </summary>
    private static List<(Row Row, SortedDictionary<int, double> Tests)> SymmetricScores(Setup setup)
    {
        var runs = Runs(setup.Ctx);
        var kept = runs.Read();
        var scored = new List<(Row, SortedDictionary<int, double>)>();
        foreach (var row in Rows.Where(r => !r.BiEncoder))
        {
            var tests = new SortedDictionary<int, double>();
            for (int seed = 1; seed <= setup.Ctx.Seeds; seed++)
            {
                string key = BothOrdersKey(row.Key, seed, setup.Epochs, setup.Train.Count, setup.Dev.Count, setup.Test.Count, setup.Ctx.TrainingPrecision);
                string folder = ModelFolder(setup.Ctx, row.Key, seed);
                if (Kept(kept, key) is double test) tests[seed] = test;
                else if (ReproductionContext.IsKept(folder))
                {
                    using var model = CrossEncoder.Load(folder, options: new EncoderOptions { Threads = setup.Ctx.Threads });
                    test = 100 * new CrossEncoderCorrelationEvaluator(setup.Test, symmetric: true).Evaluate(model)["spearman"];
                    setup.Ctx.Log.WriteLine($"table 2: {row.Key} seed {seed} scored on both orders: STSb test {test:F2}");
                    runs.Keep(key, new JsonObject { ["test"] = test });
                    tests[seed] = test;
                }
            }
            if (tests.Count > 0) scored.Add((row, tests));
        }
        return scored;
    }

    /// <summary>A cross-encoder run's key in <see cref="RunsFileName"/> for its test figure scored on both orders.</summary>
    internal static string BothOrdersKey(string row, int seed, int epochs, int train, int dev, int test, Precision precision) =>
        "both orders of " + RunKey(row, seed, epochs, train, dev, test, precision);

    private static string SoupKey(Setup s, string row, IEnumerable<int> seeds) =>
        SoupKey(row, seeds, s.Epochs, s.Train.Count, s.Dev.Count, s.Test.Count, s.Ctx.TrainingPrecision);

    /// <summary>A soup's key in <see cref="RunsFileName"/>: the row's run key with the seeds it averaged.</summary>
    internal static string SoupKey(string row, IEnumerable<int> seeds, int epochs, int train, int dev, int test, Precision precision) =>
        "soup of " + RunKey(row, 0, epochs, train, dev, test, precision).Replace("|seed 0|", $"|seeds {string.Join(",", seeds)}|", StringComparison.Ordinal);
}
