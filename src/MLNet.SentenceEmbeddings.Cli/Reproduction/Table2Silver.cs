using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

// Table 2's silver pairs (Augmented SBERT): STSb train sentences paired by a teacher bi-encoder, labelled by it or
// by the same seed's cross-encoder.
public static partial class Table2SupervisedSts
{
    /// <summary>Silver pairs of STSb train sentences (<see cref="SilverSample"/>), drawn and labelled by the same seed's bi-encoder of <paramref name="recipe"/>.</summary>
    private static List<TrainingExample> SilverFromBiEncoder(Setup s, int seed, SilverRecipe recipe)
    {
        var draw = recipe.Draw(seed);
        return Labelled(s, draw, recipe.Teacher, () =>
        {
            using var teacher = SentenceEncoder.Load(TrainedEncoder(s.Ctx, recipe.Teacher, seed), new SentenceEncoderOptions { Threads = s.Ctx.Threads });
            return Silver(s, SilverSample(s, draw), p => SilverPairs.CosineLabels(teacher, p), recipe.Teacher);
        });
    }

    /// <summary>
    /// The same silver pairs as the cross-encoder-silver row's, labelled instead by the same-seed model of the
    /// cross-encoder row <paramref name="teacherRow"/> (Augmented SBERT's teacher), trained first when no earlier run left it.
    /// </summary>
    private static List<TrainingExample> SilverFromCrossEncoder(Setup s, int seed, string teacherRow)
    {
        var draw = FirstSilver.Draw(seed);
        return Labelled(s, draw, teacherRow, () =>
        {
            string folder = ModelFolder(s.Ctx, teacherRow, seed);
            if (!ReproductionContext.IsKept(folder)) TrainAndKeep(s, Rows.Single(r => r.Key == teacherRow), seed);
            using var teacher = CrossEncoder.Load(folder, options: new EncoderOptions { Threads = s.Ctx.Threads });
            return Silver(s, SilverSample(s, draw), p => teacher.Predict(p), teacherRow);
        });
    }

    /// <summary>The pairs of <paramref name="draw"/> as labelled by <paramref name="labeller"/>: labelled once per run (<see cref="Setup.SilverLabels"/>).</summary>
    private static List<TrainingExample> Labelled(Setup s, SilverDraw draw, string labeller, Func<List<TrainingExample>> label)
    {
        var key = (draw, labeller);
        if (s.SilverLabels.TryGetValue(key, out var labelled))
        {
            s.Ctx.Log.WriteLine($"table 2: seed {draw.Seed}: the {labelled.Count:N0} silver pairs labelled by {labeller} earlier in this run, used again");
            return labelled;
        }
        return s.SilverLabels[key] = label();
    }

    /// <summary>
    /// Pairs of STSb train sentences drawn by the seed's bi-encoder <paramref name="draw"/> names, never a train, dev
    /// or test pair: STSb repeats sentences across its splits, and about 60 dev and 60 test pairs are two train
    /// sentences (a first run drew 21 of them), which the silver set would otherwise teach before dev chooses the step
    /// and test scores it. Drawn once per run (<see cref="Setup.SilverSamples"/>).
    /// </summary>
    private static List<(string First, string Second)> SilverSample(Setup s, SilverDraw draw)
    {
        if (s.SilverSamples.TryGetValue(draw, out var drawn)) return drawn;
        using var sampler = SentenceEncoder.Load(TrainedEncoder(s.Ctx, draw.Sampler, draw.Seed), new SentenceEncoderOptions { Threads = s.Ctx.Threads });
        var gold = s.Train.Select(e => (e.Texts[0]!, e.Texts[1]!)).ToList();
        var heldOut = s.Dev.Concat(s.Test).Select(p => (p.Sentence1, p.Sentence2));
        drawn = SilverPairs.Sample(sampler, gold.SelectMany(p => new[] { p.Item1, p.Item2 }).ToList(), draw.Neighbours, draw.Random, draw.Seed, exclude: gold.Concat(heldOut));
        s.Ctx.Log.WriteLine($"table 2: seed {draw.Seed}: {draw.Sampler} drew {drawn.Count:N0} silver pairs ({draw.Neighbours} nearest and {draw.Random} random per STSb train sentence)");
        return s.SilverSamples[draw] = drawn;
    }

    private static List<TrainingExample> Silver(Setup s, List<(string First, string Second)> pairs, Func<IReadOnlyList<(string? First, string? Second)>, float[]> teacher, string teacherName)
    {
        var silver = SilverPairs.Label(pairs, teacher);
        s.Ctx.Log.WriteLine($"table 2: {silver.Count:N0} silver pairs of STSb train sentences labelled by {teacherName}, mean label {silver.Average(e => e.Label):F3}");
        return ReproductionContext.Subsample(silver, s.Ctx.Quick ? QuickTrainPairs : null);
    }
}
