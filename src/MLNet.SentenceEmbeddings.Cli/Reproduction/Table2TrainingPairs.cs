using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

// Table 2's cross-encoder against its regression bi-encoder as the STSb train pairs halve: whether the gap between
// them is one of data (the cross-encoder still climbing where the bi-encoder has flattened) or of kind.
public static partial class Table2SupervisedSts
{
    /// <summary>The <c>--tables</c> name of the training-pairs section.</summary>
    public const string TrainingPairsId = "pairs";

    /// <summary>STSb train cut to 1/8, 1/4 and 1/2 (every k-th pair, so the genre mix stays); the whole set is Table 2's own runs.</summary>
    private static readonly int[] TrainingPairsDivisors = { 8, 4, 2 };

    /// <summary>The paper's two STSb-only rows (Table 2: BERT-STSb-base, SBERT-STSb-base), the bi-encoder first.</summary>
    private static readonly string[] TrainingPairsRows = { "regression", "cross-encoder" };

    /// <summary>
    /// Trains the two rows on each cut of STSb train for seeds 1..--seeds (those of --train-seeds; the kept runs are
    /// reused) and reports STSb test beside Table 2's runs on the whole set, which it reads and never trains.
    /// </summary>
    public static StringBuilder RunTrainingPairs(ReproductionContext ctx)
    {
        var whole = LoadSetup(ctx);
        var rows = TrainingPairsRows.Select(k => Rows.Single(r => r.Key == k)).ToList();
        // Twice per epoch as on the whole set, so a small cut is not judged on a handful of evaluations.
        var setups = TrainingPairsDivisors
            .Select(d => ReproductionContext.Subsample(whole.Train, whole.Train.Count / d))
            .Select(train => whole with { Train = train, EvaluationSteps = Math.Max(1, train.Count / TrainingOptions.PaperBatchSize / 2) })
            .Append(whole).ToList();
        var figures = setups.SelectMany(s => rows.Select(r => (r.Key, s.Train.Count))).ToDictionary(k => k, _ => new SortedDictionary<int, double>());
        var runs = Runs(ctx);
        for (int seed = 1; seed <= ctx.Seeds; seed++)
        {
            bool trained = false;
            var kept = runs.Read(); // each (cut, row) has its own key, so training one does not change another's
            foreach (var setup in setups)
                foreach (var row in rows)
                {
                    bool isWhole = ReferenceEquals(setup, whole);
                    // A cut's model and checkpoints must not land in the whole-set row's folder (soups and teachers read it).
                    var sized = isWhole ? row : row with { Key = $"{row.Key}-{setup.Train.Count}-pairs" };
                    if (Kept(kept, RunKey(setup, sized.Key, seed)) is double test) figures[(row.Key, setup.Train.Count)][seed] = test;
                    else if (isWhole)
                        ctx.Log.WriteLine($"pairs: {row.Key} seed {seed} on all {setup.Train.Count:N0} pairs: not kept; Table 2 trains it (--tables 2 --rows {row.Key})");
                    else if (ctx.Table2Seeds is { } only && !only.Contains(seed))
                        ctx.Log.WriteLine($"pairs: {sized.Key} seed {seed}: not kept and not in --train-seeds; left out");
                    else (figures[(row.Key, setup.Train.Count)][seed], trained) = (TrainAndKeep(setup, sized, seed), true);
                }
            if (seed < ctx.Seeds && trained) ctx.WritePartial?.Invoke(TrainingPairsSection(whole, setups, rows, figures, seedsDone: seed));
        }
        return TrainingPairsSection(whole, setups, rows, figures, seedsDone: ctx.Seeds);
    }

    private static StringBuilder TrainingPairsSection(Setup whole, List<Setup> setups, List<Row> rows,
        Dictionary<(string Row, int Pairs), SortedDictionary<int, double>> figures, int seedsDone)
    {
        var ctx = whole.Ctx;
        var md = ctx.Header("Table 2's cross-encoder and bi-encoder against the number of training pairs", TrainingPairsId);
        if (seedsDone < ctx.Seeds)
        {
            md.AppendLine($"**In progress: seeds 1 to {seedsDone} of {ctx.Seeds} gone through when this was written; the same command resumes from the kept runs.**");
            md.AppendLine();
        }
        md.AppendLine($"Spearman x100 on the STSb test set ({whole.Test.Count:N0} pairs) after training on every k-th pair of STSb train " +
                      $"(k = {string.Join(", ", TrainingPairsDivisors)}), with the recipe and settings of the Table 2 rows of the same names " +
                      $"({whole.Epochs} epoch(s), batch 16, evaluated on STSb dev twice per epoch, the best weights kept); the last column is Table 2's own runs " +
                      $"on all {whole.Train.Count:N0} pairs, read from {DisplayPath(Runs(ctx).Path)}, where each cut's run is kept too, with its minutes, and reused by a later invocation; {Seeds(ctx.Seeds)} " +
                      "The gap is the bi-encoder's mean minus the cross-encoder's over the seeds both have.");
        md.AppendLine();
        md.AppendLine("| row | " + string.Join(" | ", setups.Select(s => $"{s.Train.Count:N0} pairs")) + " |");
        md.AppendLine("|---|" + string.Concat(setups.Select(_ => "---:|")));
        foreach (var row in rows)
            md.AppendLine($"| {row.Key} | " + string.Join(" | ", setups.Select(s => RowFigure(figures[(row.Key, s.Train.Count)], ctx.Seeds))) + " |");
        md.AppendLine("| gap | " + string.Join(" | ", setups.Select(s => Gap(rows.Select(r => figures[(r.Key, s.Train.Count)]).ToList()))) + " |");
        if (ctx.Seeds == 1) return md; // the table is the one seed's figures
        md.AppendLine();
        md.AppendLine("Per seed: " + string.Join("; ", from row in rows from s in setups
            let tests = figures[(row.Key, s.Train.Count)] where tests.Count > 0
            select string.Create(CultureInfo.InvariantCulture, $"{row.Key} on {s.Train.Count:N0} pairs {PerSeed(tests)}")) + ".");
        return md;
    }

    /// <summary>The first row's mean minus the second's over the seeds both have; a dash when they share none.</summary>
    private static string Gap(List<SortedDictionary<int, double>> pair)
    {
        var seeds = pair[0].Keys.Intersect(pair[1].Keys).ToList();
        return seeds.Count == 0 ? "–" : (seeds.Average(k => pair[0][k]) - seeds.Average(k => pair[1][k])).ToString("F2", CultureInfo.InvariantCulture);
    }
}
