using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Commands;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

// Table 2's greedy soups: across rows of one architecture, the models on this machine offered to ModelSoup's greedy
// recipe, every choice made on STSb dev and the soup reported on test.
public static partial class Table2SupervisedSts
{
    /// <summary>A greedy soup's group, what it offered and kept (row and seed, as "row seed K"), and its dev and test figures.</summary>
    private sealed record GreedySoupFigure(string Group, IReadOnlyList<string> Offered, IReadOnlyList<string> Kept, double Dev, double Test);

    /// <summary>
    /// The groups whose models share one architecture and one start (all-MiniLM-L6-v2), so that any of them can be
    /// averaged: every bi-encoder row, and every cross-encoder row under the gated layout.
    /// </summary>
    private static IEnumerable<(string Group, List<Row> Rows)> GreedySoupGroups() =>
    [
        ("bi-encoder", Rows.Where(r => r.BiEncoder).ToList()),
        ("gated cross-encoder", Rows.Where(r => r.Gated).ToList()),
    ];

    /// <summary>
    /// For each group with two or more models on this machine, the greedy soup chosen on STSb dev, scored once on
    /// test. Kept in the runs file with what was offered, since the models do not travel with the repository: a kept
    /// soup is shown unless this machine offers every model it was offered and more.
    /// </summary>
    private static List<GreedySoupFigure> GreedySoups(Setup setup)
    {
        var runs = Runs(setup.Ctx);
        var figures = new List<GreedySoupFigure>();
        foreach (var (group, rows) in GreedySoupGroups())
        {
            var offered = (from row in rows
                           from seed in Enumerable.Range(1, setup.Ctx.Seeds)
                           let folder = ModelFolder(setup.Ctx, row.Key, seed)
                           where ReproductionContext.IsKept(folder)
                           select (Name: $"{row.Key} seed {seed}", Folder: folder)).ToList();
            string key = GreedySoupKey(setup, group);
            var kept = ReadGreedySoup(group, runs.Read()[key]);
            // A machine that lost models (a VM restart wipes artifacts/) must not replace a soup offered more with one
            // offered fewer: a kept soup gives way only to an offer holding everything it was offered and more.
            if (kept is not null && !offered.Select(o => o.Name).ToHashSet().IsProperSupersetOf(kept.Offered))
            {
                figures.Add(kept);
                continue;
            }
            if (offered.Count < 2) continue;
            var names = offered.ToDictionary(o => o.Folder, o => o.Name);
            var folders = offered.Select(o => o.Folder).ToList();
            setup.Ctx.Log.WriteLine($"table 2: greedy soup of the {group} rows: {offered.Count} models offered, each scored on STSb dev");
            double test = double.NaN;
            var soup = StsSoup.Make(!rows[0].BiEncoder, folders, setup.Dev, setup.Ctx.Threads, chosen => test = 100 * chosen.Spearman(setup.Test));
            var figure = new GreedySoupFigure(group, offered.Select(o => o.Name).ToList(), soup.Kept.Select(f => names[f]).ToList(), 100 * soup.Score!.Value, test);
            setup.Ctx.Log.WriteLine($"table 2: greedy soup of the {group} rows: kept {string.Join(", ", figure.Kept)}; STSb dev {figure.Dev:F2}, test {figure.Test:F2}");
            runs.Keep(key, new JsonObject
            {
                ["test"] = figure.Test, ["dev"] = figure.Dev,
                ["offered"] = new JsonArray(figure.Offered.Select(n => (JsonNode)n).ToArray()),
                ["kept"] = new JsonArray(figure.Kept.Select(n => (JsonNode)n).ToArray()),
                ["cpu"] = Benchmarks.MachineInfo.Cpu(), ["date"] = Benchmarks.MachineInfo.Today,
            });
            figures.Add(figure);
        }
        return figures;
    }

    private static GreedySoupFigure? ReadGreedySoup(string group, JsonNode? node)
    {
        if (node is not JsonObject o || o["test"] is not JsonValue t || o["dev"] is not JsonValue d) return null;
        static List<string> Names(JsonNode? a) => (a as JsonArray)?.Select(n => n?.GetValue<string>() ?? "").ToList() ?? [];
        return new(group, Names(o["offered"]), Names(o["kept"]), d.GetValue<double>(), t.GetValue<double>());
    }

    /// <summary>The greedy soups' paragraph under the table: what each was offered and kept, and its dev figure.</summary>
    private static void GreedySoupNotes(StringBuilder md, List<GreedySoupFigure> greedy)
    {
        if (greedy.Count == 0) return;
        md.AppendLine();
        md.AppendLine("Greedy soups (ModelSoup.Greedy, Wortsman et al. 2022, Section 3): each model on the machine is scored alone on STSb dev, tried best first, " +
                      "and kept only where the soup's dev score does not fall; test is read once, for the soup. " + string.Join(" ", greedy.Select(g =>
                          string.Create(CultureInfo.InvariantCulture, $"The {g.Group} rows: offered {string.Join(", ", g.Offered)}; kept {string.Join(", ", g.Kept)} (STSb dev {g.Dev:F2}).")))
                      + " What was offered is what that machine held, not every seed of every row.");
    }

    private static string GreedySoupKey(Setup s, string group) => GreedySoupKey(group, s.Epochs, s.Train.Count, s.Dev.Count, s.Test.Count, s.Ctx.TrainingPrecision);

    /// <summary>A greedy soup's key in <see cref="RunsFileName"/>: its group's name in a run key without a seed.</summary>
    internal static string GreedySoupKey(string group, int epochs, int train, int dev, int test, Precision precision) =>
        "greedy soup of " + RunKey(group, 0, epochs, train, dev, test, precision).Replace("|seed 0|", "|", StringComparison.Ordinal);
}
