using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.MLNet.SentEval;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// What each training signal does: every objective from the same starting encoder (all-MiniLM-L6-v2) with seed 1,
/// every encoder scored on the same sets. The paper compares its objectives only across tables with different data
/// (Tables 1, 2, 4); here one table holds them all. Softmax on NLI, regression, NLI then regression, and CoSENT
/// are Table 2's seed-1 encoders (trained here with Table 2's recipe when no earlier run kept them); triplet and MNRL train here on SNLI
/// dev triplets, as the paper's Table 4 trains its triplet objective on Wikipedia-section triplets; a second softmax
/// row trains its new classifier at a higher learning rate than the encoder, to test why softmax on NLI hurts here.
/// </summary>
public static class ObjectivesCompared
{
    public const string Id = "objectives";
    /// <summary>
    /// File of <see cref="ReproductionContext.Kept"/> (else the artifacts folder) keeping each (encoder recipe,
    /// evaluation) score, so a stopped run resumes and a machine without the encoders writes the table without
    /// training them again.
    /// </summary>
    public const string ResultsFileName = "objectives-results.json";
    /// <summary>Sub-folder of <see cref="ReproductionContext.Artifacts"/> holding the encoders trained here (triplet, MNRL, softmax with its head's rate).</summary>
    public const string ModelsFolderName = "objectives-models";
    internal const int Seed = 1;
    /// <summary>
    /// The softmax head's peak learning rate in the head-rate row: 100x the encoder's 2e-5, since Adam moves a weight by
    /// about its learning rate per step and a head initialised at N(0, 0.02) cannot grow at 2e-5 in one epoch.
    /// </summary>
    internal const double NliHeadLearningRate = 2e-3;

    /// <summary>
    /// An objective's row: its key, what the Markdown calls it, and where its encoder comes from: Table 2's encoder or
    /// NLI stage of that name, or trained here (the starting model, trained in place); neither: the starting model.
    /// </summary>
    private sealed record Objective(string Key, string Label, string? Table2Name = null, Action<ReproductionContext, SentenceEncoder>? TrainHere = null);

    private static readonly Objective[] Objectives =
    {
        new("none", "none: all-MiniLM-L6-v2 as it ships"),
        new("softmax-nli", "softmax over (u, v, abs(u-v)) on SNLI dev + SICK-E train, 1 epoch (Table 2's NLI stage)", Table2Name: Table2SupervisedSts.NliStage),
        new("softmax-nli-head-rate", "softmax as in row 2, its new head at lr 2e-3 (100x the encoder's)", TrainHere: TrainOnNliWithHeadRate),
        new("regression-stsb", "regression (cosine vs score/5, MSE) on STSb train, 4 epochs (Table 2)", Table2Name: "regression"),
        new("nli-regression-stsb", "softmax on NLI as in row 2, then regression on STSb train, 4 epochs (Table 2)", Table2Name: "nli-regression"),
        new("cosent-stsb", "CoSENT on STSb train, 4 epochs (Table 2)", Table2Name: "cosent"),
        new("triplet-snli", "triplet (Euclidean, margin 1, before Normalize) on SNLI dev triplets, 1 epoch", TrainHere: (ctx, e) => TrainOnTriplets(ctx, e, new TripletLoss())),
        new("mnrl-snli", "MNRL (in-batch negatives + the contradiction, scale 20) on SNLI dev triplets, 1 epoch",
            TrainHere: (ctx, e) => TrainOnTriplets(ctx, e, new MultipleNegativesRankingLoss(withHardNegative: true))),
    };

    /// <summary>
    /// Where an objective's encoder is kept (null: the starting model, not trained); <paramref name="table2Epochs"/> is
    /// --epochs, which sets the epochs of Table 2's rows.
    /// </summary>
    internal static string? EncoderFolder(string artifacts, string objective, Precision precision, bool quick, int? table2Epochs = null)
    {
        var o = Objectives.Single(x => x.Key == objective);
        return o.Table2Name is { } name
                ? Table2SupervisedSts.ModelFolder(artifacts, Table2SupervisedSts.ModelsFolderName, name, Seed, Table2SupervisedSts.Epochs(table2Epochs, quick), precision, quick)
            : o.TrainHere is not null ? Table2SupervisedSts.ModelFolder(artifacts, ModelsFolderName, o.Key, Seed, TrainHereEpochs, precision, quick)
            : null;
    }

    /// <summary>Epochs of the rows trained here (the paper's NLI and triplet settings, Sections 3 and 4.4).</summary>
    private const int TrainHereEpochs = 1;

    /// <summary>The objective's trained encoder, trained now when no earlier run kept it; null for the starting model.</summary>
    private static string? Encoder(ReproductionContext ctx, Objective o) =>
        o.Table2Name is { } name ? Table2SupervisedSts.TrainedEncoder(ctx, name, Seed)
        : o.TrainHere is not null ? TrainHere(ctx, o)
        : null;

    /// <summary>The columns, in order; each scores one encoder folder (null: the starting model).</summary>
    private static readonly string[] Columns = { "STSb", "SICK-R", "STS12-16", "SNLI triplets", "SentEval", "Quora NDCG@10", "Quora MRR@10" };

    public static StringBuilder Run(ReproductionContext ctx)
    {
        int? cap = ctx.Quick ? 300 : null;
        var stsbPairs = ReproductionContext.Subsample(StsBenchmarkReader.Read(ctx.Data.File("stsb", "sts-test.csv")), cap);
        var stsb = new EmbeddingSimilarityEvaluator(stsbPairs);
        var sick = new StsSubsetsEvaluator(StsData.Load("sick", ctx.Data.Folder("sick"), "test").Select(s => new StsSubset(s.Name, ReproductionContext.Subsample(s.Pairs, cap))).ToList());
        var years = StsYears(ctx);
        var snliTest = ReproductionContext.Subsample(SnliReader.Triplets(SnliReader.Read(ctx.Data.File("snli", "s1.test"))), cap);
        var triplets = new TripletEvaluator(snliTest);
        var quora = InformationRetrievalEvaluator.FromDuplicates(
            QuoraDuplicatesReader.RetrievalTask(QuoraDuplicatesReader.Read(ctx.Data.File("quora", "test.txt")), ctx.Quick ? 300 : null));
        var tasks = SentEvalTasks.All.Select(t => Table5SentEval.Subsample(SentEvalTasks.Read(t, ctx.Data.Root(EvalSentEvalCommand.DataSetName(t))),
            ctx.Quick ? Table5SentEval.QuickRows : null)).ToList();
        var sentEval = new SentEvalRunner(options: new SentEvalOptions { Quick = ctx.Quick, Threads = ctx.Threads, Log = ctx.Log.WriteLine });

        var kept = new KeptResults(Path.Combine(ctx.Kept ?? ctx.Artifacts, ResultsFileName));
        var rows = new List<(Objective Objective, Dictionary<string, double?> Scores)>();
        foreach (var objective in Objectives)
        {
            // Kept scores are keyed by where the encoder would be (its recipe), so every column kept means nothing to train.
            string? folder = EncoderFolder(ctx.Artifacts, objective.Key, ctx.TrainingPrecision, ctx.Quick, ctx.Epochs);
            var keptNow = kept.Read();
            if (!Columns.All(c => keptNow[ResultKey(objective.Key, folder, c, ctx.Quick)] is not null)) folder = Encoder(ctx, objective);
            var scores = new Dictionary<string, double?>();
            SentenceEncoder? encoder = null;
            IReadOnlyDictionary<string, double>? retrieval = null; // both Quora columns come from one ranking
            try
            {
                foreach (string column in Columns)
                {
                    string key = ResultKey(objective.Key, folder, column, ctx.Quick);
                    if (kept[key] is JsonValue keptScore && keptScore.TryGetValue<double>(out double score)) { scores[column] = score; continue; }
                    encoder ??= SentenceEncoder.Load(folder ?? Table2SupervisedSts.Model, new SentenceEncoderOptions { Threads = ctx.Threads });
                    double? value = column switch
                    {
                        "STSb" => 100 * stsb.Evaluate(encoder)["spearman_cosine"],
                        "SICK-R" => 100 * sick.Evaluate(s => encoder.Encode(s)).All.Spearman,
                        "STS12-16" => years.Count == 0 ? null : years.Average(y => 100 * y.Evaluate(s => encoder.Encode(s)).All.Spearman),
                        "SNLI triplets" => 100 * triplets.Evaluate(encoder)["accuracy"],
                        "SentEval" => SentEvalAverage(ctx, folder, tasks, sentEval),
                        "Quora NDCG@10" => 100 * (retrieval ??= quora.Evaluate(encoder))["ndcg@10"],
                        "Quora MRR@10" => 100 * (retrieval ??= quora.Evaluate(encoder))["mrr@10"],
                        _ => throw new InvalidOperationException(column),
                    };
                    scores[column] = value;
                    ctx.Log.WriteLine($"objectives: {objective.Key}: {column} {ReproductionContext.F(value)}");
                    if (value is double v) kept.Keep(key, v);
                }
            }
            finally { encoder?.Dispose(); }
            rows.Add((objective, scores));
            // Each scored objective is written at once: the whole comparison takes hours on 2 cores, and a stopped run
            // leaves a section that says how far it got.
            if (rows.Count < Objectives.Length) ctx.WritePartial?.Invoke(Section(ctx, rows, stsbPairs.Count, years.Count, snliTest.Count, quora));
        }
        return Section(ctx, rows, stsbPairs.Count, years.Count, snliTest.Count, quora);
    }

    private static StringBuilder Section(ReproductionContext ctx, List<(Objective Objective, Dictionary<string, double?> Scores)> rows,
        int stsbPairs, int years, int snliTriplets, InformationRetrievalEvaluator quora)
    {
        var md = ctx.Header("Objectives compared: what each training signal does", Id);
        if (rows.Count < Objectives.Length)
        {
            md.AppendLine($"**In progress: {rows.Count} of {Objectives.Length} objectives scored when this was written; the same command resumes from the kept scores.**");
            md.AppendLine();
        }
        md.AppendLine($"Each row starts from all-MiniLM-L6-v2 and trains with seed {Seed}, batch 16, AdamW lr 2e-5, 10% warm-up" +
                      (ctx.TrainingPrecision == Precision.BFloat16 ? ", forward pass under bf16 autocast" : "") + "; every encoder is scored on the same test sets. " +
                      $"STSb test ({stsbPairs:N0} pairs), SICK-R test and STS12-16 (mean of the five years, each one correlation over its sub-sets, as in Table 1{(years == 0 ? "; empty: no STS12-16 folder" : "")}): Spearman x100 of cosine. " +
                      $"SNLI triplets: accuracy (%) on {snliTriplets:N0} SNLI test triplets (premise, entailment, contradiction), d(a, p) < d(a, n), Euclidean on the output vectors. " +
                      "SentEval: average accuracy (%) over MR, CR, SUBJ, MPQA, SST-2, TREC and MRPC, Table 5's protocol. " +
                      $"Quora: retrieval of duplicate questions ({quora.QueryCount:N0} queries against {quora.CorpusCount:N0} questions of the test split, as `sbert eval retrieval` builds it), x100. " +
                      $"Scores are kept in {ResultsFileName} ({(ctx.Kept is null ? "the artifacts folder" : "the folder --kept names")}), per encoder recipe, so a stopped run resumes and another machine does not train them again.");
        md.AppendLine();
        md.AppendLine("| objective (training data) | " + string.Join(" | ", Columns) + " |");
        md.AppendLine("|---|" + string.Concat(Columns.Select(_ => "---:|")));
        foreach (var objective in Objectives)
        {
            var scores = rows.FirstOrDefault(r => r.Objective == objective).Scores;
            md.AppendLine($"| {objective.Label} | " + string.Join(" | ", Columns.Select(c => ReproductionContext.F(scores?.GetValueOrDefault(c)))) + " |");
        }
        return md;
    }

    /// <summary>STS12-16 as Table 1 reads them (one evaluator per year); empty when the data folder has none.</summary>
    private static List<StsSubsetsEvaluator> StsYears(ReproductionContext ctx) =>
        Table1UnsupervisedSts.YearsRoot(ctx) is { } root
            ? Table1UnsupervisedSts.YearFolders(root).Select(y => new StsSubsetsEvaluator(SentEvalStsReader.Read(y.Folder)
                .Select(s => new StsSubset(s.Name, ReproductionContext.Subsample(s.Pairs, ctx.Quick ? Table1UnsupervisedSts.QuickYearPairs : null))).ToList())).ToList()
            : [];

    private static double SentEvalAverage(ReproductionContext ctx, string? folder, List<SentEvalTaskData> tasks, SentEvalRunner runner)
    {
        using var features = new EncoderFeatureSource(new SentenceEmbeddingOptions
        {
            Model = folder ?? Table2SupervisedSts.Model, Encoder = new SentenceEncoderOptions { Threads = ctx.Threads },
        }, cacheDirectory: ctx.SentEvalCache);
        return new SentEvalReport(features.Name, tasks.Select(t => runner.Run(features, t)).ToList()).Average;
    }

    /// <summary>Trains the starting model with the objective's recipe and saves it whole, unless an earlier run kept it.</summary>
    private static string TrainHere(ReproductionContext ctx, Objective o)
    {
        string folder = EncoderFolder(ctx.Artifacts, o.Key, ctx.TrainingPrecision, ctx.Quick, ctx.Epochs)!;
        if (ReproductionContext.IsKept(folder)) return folder;
        ctx.Log.WriteLine($"objectives: {o.Key}: no encoder at {folder}; training it now");
        using var encoder = SentenceEncoder.Load(Table2SupervisedSts.Model, new SentenceEncoderOptions { Threads = ctx.Threads });
        o.TrainHere!(ctx, encoder);
        encoder.Save(folder);
        return folder;
    }

    private static SiameseTrainingOptions Options(ReproductionContext ctx) =>
        new() { Epochs = TrainHereEpochs, Seed = Seed, Precision = ctx.TrainingPrecision, Log = ctx.Log.WriteLine };

    /// <summary>SNLI dev triplets, 1 epoch: the paper's triplet setting (Section 4.4), on the data we have.</summary>
    private static void TrainOnTriplets(ReproductionContext ctx, SentenceEncoder encoder, ISentenceLoss loss)
    {
        var train = ReproductionContext.Subsample(SnliReader.Triplets(SnliReader.Read(ctx.Data.File("snli", "s1.dev")))
            .Select(t => TrainingExample.Triplet(t.Anchor, t.Positive, t.Negative)).ToList(), ctx.Quick ? 480 : null);
        new SiameseTrainer(encoder, loss, Options(ctx)).Train(train);
    }

    /// <summary>Table 2's NLI stage (same data, epoch and seed) with the head's own learning rate.</summary>
    private static void TrainOnNliWithHeadRate(ReproductionContext ctx, SentenceEncoder encoder)
    {
        using var loss = new SoftmaxLoss(encoder.Dimension, 3);
        var options = Options(ctx);
        options.HeadLearningRate = NliHeadLearningRate;
        new SiameseTrainer(encoder, loss, options).Train(Table2SupervisedSts.NliExamples(ctx));
    }

    /// <summary>
    /// A kept score's key: the objective, its encoder folder's name (which holds the recipe version, epochs, seed,
    /// precision and --quick, not the machine's path), the column, and quick or full data.
    /// </summary>
    internal static string ResultKey(string objective, string? folder, string column, bool quick) =>
        $"{objective}|{(folder is null ? "as shipped" : Path.GetFileName(folder))}|{column}|{(quick ? "quick" : "full")}";

    /// <summary>The objectives' keys, in the table's order.</summary>
    internal static IReadOnlyList<string> ObjectiveKeys => Objectives.Select(o => o.Key).ToList();
    internal static IReadOnlyList<string> ColumnNames => Columns;
}
