using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// Table 2 of SBERT: STSb test Spearman x100 after training on STSb train (SBERT Section 4.2: 4 epochs, batch 16, the
/// best of the dev evaluations kept), each of our rows as mean ± standard deviation over seeds 1..n, as the paper
/// reports over 10: the bi-encoder with the regression, CoSENT or AnglE objective, with NLI first (the paper's
/// SBERT-NLI-STSb recipe on the NLI data we have), the cross-encoder as the paper trains it and with each change tried
/// to lift it (NLI first, both orders, a mean-pooled head, MSE, ranking, other learning rates, a cosine head, lower
/// layers reading each sentence alone, another start, gold or silver pairs first), and Augmented SBERT
/// (the bi-encoder on the cross-encoder's silver labels, then gold). <see cref="Rows"/> lists them.
/// </summary>
public static partial class Table2SupervisedSts
{
    // SBERT paper, Table 2 (mean ± standard deviation over 10 random seeds).
    private static readonly (string Model, string Figure)[] Paper =
    {
        ("SBERT-NLI-base (not trained on STSb)", "77.03"),
        ("BERT-STSb-base (cross-encoder, STSb train)", "84.30 ± 0.76"),
        ("SBERT-STSb-base (STSb train)", "84.67 ± 0.19"),
        ("BERT-NLI-STSb-base (cross-encoder, NLI then STSb)", "88.33 ± 0.19"),
        ("SBERT-NLI-STSb-base (NLI then STSb)", "85.35 ± 0.17"),
        ("SRoBERTa-NLI-STSb-large (the best bi-encoder)", "86.15 ± 0.35"),
    };

    public const string Model = "default";
    public const int PaperEpochs = 4;
    /// <summary>Sub-folder of <see cref="ReproductionContext.Artifacts"/> the first seed's regression encoder is written to.</summary>
    public const string TunedFolderName = "all-MiniLM-L6-v2-stsb-regression";
    /// <summary>
    /// File of <see cref="ReproductionContext.Kept"/> holding each finished (row, seed) run's figures, so that a
    /// run stopped part-way (the machine is shared, a seed takes minutes to an hour) resumes where it stopped. A
    /// seeded run is deterministic on one machine, and on another of the same CPU kind it was seen to move only in the
    /// second decimal, so a kept figure is the figure a new run would give to within rounding.
    /// </summary>
    public const string RunsFileName = "table2-runs.json";
    /// <summary>Sub-folder of <see cref="ReproductionContext.Artifacts"/> holding every seed's trained bi-encoder ({row}-seed{k}) and NLI stage.</summary>
    public const string ModelsFolderName = "table2-models";
    /// <summary>Sub-folder of <see cref="ReproductionContext.Artifacts"/> holding the checkpoints of the stages under way (<see cref="ResumableStage"/>).</summary>
    public const string CheckpointsFolderName = "table2-checkpoints";
    /// <summary>
    /// --quick sizes: training pairs (STSb and NLI; ten steps of 16) and STSb dev and test pairs. A smoke test of every
    /// row, kept small because the unit tests run several rows on 2 cores.
    /// </summary>
    public const int QuickTrainPairs = 160, QuickEvaluationPairs = 100;
    /// <summary>
    /// Bumped when a recipe changes (a row's stages, a silver recipe, the cross-encoder's default learning rate: none
    /// of them is in a run's key), so that figures of the old recipe are not reused. A test pins it together with
    /// <see cref="RecipeSettings"/>, so a changed setting cannot land without a look at this version.
    /// </summary>
    internal const string RecipeVersion = "2";

    /// <summary>
    /// The settings every row's runs share that are not in a run's key: the silver recipes and the trainers' defaults
    /// (each row's own stages are in its code and label).
    /// </summary>
    internal static string RecipeSettings
    {
        get
        {
            // The list a checkpoint compares on resume, and keep-best, which picks the weights a run ends with. Not
            // precision: every stage takes --precision, which the run key holds.
            static string Trainer(TrainingOptions o) =>
                string.Join(", ", o.StepSettings().Where(s => s.Key != "precision").Select(s => $"{s.Key} {s.Value}")) +
                $", keep_best {(o.KeepBestModel ? "true" : "false")}";
            var cross = new CrossEncoderTrainingOptions();
            return $"{FirstSilver}; {StudentSilver}; bi-encoder: {Trainer(new SiameseTrainingOptions())}; cross-encoder: {Trainer(cross)}, " +
                   $"loss {cross.Loss?.ToString() ?? "default"}";
        }
    }

    /// <summary>
    /// Our trained rows: what the Markdown calls them, how one seed trains and scores (STSb test Spearman x100, and the
    /// dev evaluation whose weights were kept), and whether it leaves a bi-encoder other tables can read.
    /// </summary>
    /// <remarks>Train receives the row's key, under which it keeps its model, so that the key is written once.</remarks>
    /// <param name="Gated">A cross-encoder under the <see cref="Gated"/> layout, which the gated rows' greedy soup averages across.</param>
    private sealed record Row(string Key, string Label, Func<Setup, string, int, (double Test, TrainingEvaluation? Best)> Train, bool BiEncoder = true, bool Gated = false);

    private sealed record Setup(ReproductionContext Ctx, int Epochs, List<TrainingExample> Train, List<TrainingExample> Nli, List<SentencePair> Dev,
        List<SentencePair> Test, int EvaluationSteps)
    {
        /// <summary>
        /// Each draw's pairs, so Augmented SBERT's bi-encoder reuses the pairs its teacher trained on in the same run
        /// instead of searching STSb train's sentences again (about a minute a seed).
        /// </summary>
        public Dictionary<SilverDraw, List<(string First, string Second)>> SilverSamples { get; } = new();

        /// <summary>
        /// Each draw's pairs as labelled by a teacher, so rows that learn from one teacher in the same run (a student
        /// and its control) have its ~22k pairs labelled once instead of once per row (about a minute each).
        /// </summary>
        public Dictionary<(SilverDraw Draw, string Labeller), List<TrainingExample>> SilverLabels { get; } = new();
    }

    /// <summary>
    /// A cross-encoder row's silver stage: the bi-encoder row whose same-seed encoder draws and labels the pairs, and
    /// the semantic-search neighbours and random partners drawn per STSb train sentence. The stage model is kept as
    /// "{Row}-stage".
    /// </summary>
    private sealed record SilverRecipe(string Row, string Teacher, int Neighbours, int Random)
    {
        // A method, not a property: a property would print in the recipe's text, which RecipeVersion is pinned to.
        public SilverDraw Draw(int seed) => new(Teacher, Neighbours, Random, seed);
    }

    /// <summary>
    /// What a seed's silver pairs depend on, and so what they are kept under for the run: rows whose recipes draw alike
    /// (cross-encoder-silver and gate-silver) share one draw and its labels.
    /// </summary>
    private readonly record struct SilverDraw(string Sampler, int Neighbours, int Random, int Seed);

    /// <summary>
    /// A cross-encoder's first stage: all-MiniLM-L6-v2 under a new head of <paramref name="NumLabels"/> outputs, one
    /// epoch on the seed's <paramref name="Pairs"/>, kept as <paramref name="StageRow"/>'s model; STSb goes on from it,
    /// under a new one-label classifier when the stage's had another label count.
    /// </summary>
    /// <param name="Stage">The stage's name among the row's resumable checkpoints.</param>
    /// <param name="Layout">The stage's layout, the one STSb goes on under; BERT's pair layout when null.</param>
    /// <param name="Loss">The stage's loss; the trainer's default (binary cross-entropy) when null.</param>
    /// <param name="LearningRate">The encoder's peak rate in the stage.</param>
    private sealed record CrossEncoderFirstStage(string StageRow, string Stage, int NumLabels, Func<Setup, int, List<TrainingExample>> Pairs, CrossEncoderLayout? Layout = null,
        CrossEncoderLoss? Loss = null, double LearningRate = CrossEncoderTrainingOptions.DefaultLearningRate);

    /// <summary>
    /// How a cross-encoder row reads the pair (<see cref="CrossEncoder.Load"/>'s pooling, segment comparison, layers
    /// apart and cross-sentence gate) and the rate of its new head; the defaults are BERT's pair layout under a [CLS]
    /// classifier at the encoder's rate. One value serves every stage of a row, so a first stage and STSb cannot differ.
    /// </summary>
    private sealed record CrossEncoderLayout(PoolingMode Pooling = PoolingMode.Cls, bool CompareSegments = false, int SeparateLayers = 0,
        double? CrossSentenceGate = null, double? HeadLearningRate = null)
    {
        public CrossEncoder Load(string start, int numLabels, EncoderOptions options, int seed, bool replaceHead = false) =>
            CrossEncoder.Load(start, numLabels, options, seed, replaceHead: replaceHead, pooling: Pooling, compareSegments: CompareSegments,
                separateLayers: SeparateLayers, crossSentenceGate: CrossSentenceGate);
    }

    // The recipes stay above Rows: static fields initialise in order, and the row labels read them.

    /// <summary>
    /// Augmented SBERT's first teacher: nli-regression was trained to put cos(u, v) at score / 5, so its cosine is a
    /// label in the gold's scale once clipped to [0, 1].
    /// </summary>
    private static readonly SilverRecipe FirstSilver = new("cross-encoder-silver", "nli-regression", Neighbours: 2, Random: 1);

    /// <summary>
    /// A second round: the bi-encoder Augmented SBERT trained (the best of our rows) labels about two and a half times as many
    /// pairs for a new cross-encoder, to see how far pair pre-training from a bi-encoder carries it.
    /// </summary>
    private static readonly SilverRecipe StudentSilver = new("cross-encoder-silver-from-augmented", "augmented-cosent", Neighbours: 5, Random: 2);

    /// <summary>
    /// The paper's BERT-NLI-STSb cross-encoder (Table 2, 88.33 against 84.30 without NLI): a 3-label classifier on the
    /// pair first, then its encoder and pooler go on to STSb under a new one-output classifier.
    /// </summary>
    private static readonly CrossEncoderFirstStage NliFirst = new(CrossEncoderNliStage, "nli", NumLabels: 3, (s, _) => s.Nli);

    /// <summary>
    /// Gold relatedness on pairs of another source: SICK-R train (4,500 pairs, 1 to 5 scaled to [0, 1]), the pairs
    /// whose entailment labels the NLI stage reads, as one more epoch of reading two sentences at once.
    /// </summary>
    private static readonly CrossEncoderFirstStage SickFirst = new(CrossEncoderSickStage, "sick", NumLabels: 1, (s, _) => ReproductionContext.Subsample(
        TrainingData.Examples(s.Ctx.Data.File("sick", "SICK_train.txt"), "sick", TrainingObjective.Regression).Examples, s.Ctx.Quick ? QuickTrainPairs : null));

    /// <summary>
    /// Our starting encoder never read two sentences in one input, and the NLI we have is 14k pairs where the paper's
    /// cross-encoder saw about 1M (Table 2: 88.33 with NLI first, 84.30 without). Many more pairs come from STSb
    /// train's own sentences, labelled by a bi-encoder: the cross-encoder learns to read a pair on them, then gold decides.
    /// </summary>
    private static CrossEncoderFirstStage SilverFirst(SilverRecipe recipe, CrossEncoderLayout? layout = null) =>
        new(recipe.Row + "-stage", "silver", NumLabels: 1, (s, seed) => SilverFromBiEncoder(s, seed, recipe), layout);

    /// <summary>
    /// The silver pairs that lift the [CLS] cross-encoder by half a point to a point (cross-encoder-silver), given to
    /// the gated one: the same teacher and draw, its own stage model.
    /// </summary>
    private static readonly SilverRecipe GateSilver = FirstSilver with { Row = "cross-encoder-gate-silver" };

    /// <summary>BERT's pair layout under a [CLS] classifier at the encoder's rate: a row or stage that names no other.</summary>
    private static readonly CrossEncoderLayout PairLayout = new();

    /// <summary>The cross-encoder-cosine row's layout: the cosine of the two sentences' mean token vectors, times a learnt weight, plus a learnt bias.</summary>
    private static readonly CrossEncoderLayout Cosine = new(PoolingMode.Mean, CompareSegments: true);

    /// <summary>The cosine head over a model whose first <paramref name="apart"/> layers read each sentence alone.</summary>
    private static CrossEncoderLayout Apart(int apart) => Cosine with { SeparateLayers = apart };

    /// <summary>A cross-encoder row whose first <paramref name="apart"/> of all-MiniLM-L6-v2's 6 layers read each sentence alone.</summary>
    private static Row ApartRow(int apart) => new($"cross-encoder-apart-{apart}",
        $"all-MiniLM-L6-v2 as a cross-encoder whose {(apart == 6 ? "6 layers all" : $"first {apart} of 6 layers")} read each sentence alone (\"[CLS] a [SEP] [CLS] b [SEP]\", each sentence's positions from 0)" +
        apart switch { 6 => ", no layer reading the pair: the bi-encoder under the cross-encoder's head and loss", 5 => " and whose top layer reads the pair", _ => $" and whose top {6 - apart} read the pair" } +
        ", scored as the cross-encoder-cosine row scores",
        (s, key, seed) => TrainCrossEncoder(s, seed, key, layout: Apart(apart)), BiEncoder: false);

    private const double GateStart = -4, GateLearningRate = 1e-2;

    /// <summary>The cross-encoder-gate row's layout: the cosine head, every layer reading the other sentence through a gate started at <see cref="GateStart"/>, head and gate at <see cref="GateLearningRate"/>.</summary>
    private static readonly CrossEncoderLayout Gated = Cosine with { CrossSentenceGate = GateStart, HeadLearningRate = GateLearningRate };

    /// <summary>
    /// Augmented SBERT's recipe with the gated cross-encoder as its student: the augmented-cosent row's first epoch
    /// (CoSENT at 2e-5 on the silver pairs cross-encoder-silver labels), run on the gated model instead of the
    /// bi-encoder, so that it starts STSb as Augmented SBERT's bi-encoder does, with a way across the pair.
    /// </summary>
    private static readonly CrossEncoderFirstStage GateAugmentedFirst = new("cross-encoder-gate-augmented-stage", "silver", NumLabels: 1,
        (s, seed) => SilverFromCrossEncoder(s, seed, FirstSilver.Row), Gated, CrossEncoderLoss.CosineRanking, TrainingOptions.PaperLearningRate);

    /// <summary><see cref="GateAugmentedFirst"/> with no gate, all 6 layers reading each sentence alone: its row's control.</summary>
    private static readonly CrossEncoderFirstStage ApartAugmentedFirst = GateAugmentedFirst with { StageRow = "cross-encoder-apart-6-augmented-stage", Layout = Apart(6) };

    /// <summary>A row under the <see cref="Gated"/> layout from <paramref name="start"/>.</summary>
    private static (double, TrainingEvaluation?) TrainGated(Setup s, int seed, string row, string start, CrossEncoderLoss? loss = null,
        double learningRate = CrossEncoderTrainingOptions.DefaultLearningRate, CrossEncoderFirstStage? first = null) =>
        TrainCrossEncoder(s, seed, row, start: start, layout: Gated, loss: loss, learningRate: learningRate, first: first);

    private static readonly Row[] Rows =
    {
        new("regression", "all-MiniLM-L6-v2 bi-encoder + regression objective (cosine vs score/5, MSE)", (s, key, seed) => TrainBiEncoder(s, seed, key, new CosineSimilarityLoss(), nliFirst: false)),
        new("cosent", "all-MiniLM-L6-v2 bi-encoder + CoSENT objective (cosine ranking, scale 20)", (s, key, seed) => TrainBiEncoder(s, seed, key, new CoSentLoss(), nliFirst: false)),
        new("angle", "all-MiniLM-L6-v2 bi-encoder + AnglE objective (CoSENT's ranking on an angle similarity, scale 20)", (s, key, seed) => TrainBiEncoder(s, seed, key, new AngleLoss(), nliFirst: false)),
        new("nli-regression", "all-MiniLM-L6-v2 bi-encoder, NLI first (softmax on SNLI dev + SICK-E train, 1 epoch), then the regression objective", (s, key, seed) => TrainBiEncoder(s, seed, key, new CosineSimilarityLoss(), nliFirst: true)),
        new("nli-cosent", "all-MiniLM-L6-v2 bi-encoder, NLI first (the same NLI stage as the row above), then the CoSENT objective", (s, key, seed) => TrainBiEncoder(s, seed, key, new CoSentLoss(), nliFirst: true)),
        new("cross-encoder", "all-MiniLM-L6-v2 as a cross-encoder (new one-label head, binary cross-entropy on score/5)", (s, key, seed) => TrainCrossEncoder(s, seed, key), BiEncoder: false),
        new("cross-encoder-both-orders", "all-MiniLM-L6-v2 as a cross-encoder trained on each pair in both orders (as sentence-transformers' Augmented SBERT examples train their STSb cross-encoders)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, bothOrders: true), BiEncoder: false),
        new("cross-encoder-mean", "all-MiniLM-L6-v2 as a cross-encoder, the new one-label head on the mean of the pair's token vectors (the encoder was trained with mean pooling; its [CLS] vector and pooler never were)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, layout: new(PoolingMode.Mean)), BiEncoder: false),
        new("cross-encoder-cosine", "all-MiniLM-L6-v2 as a cross-encoder scoring the cosine of its two sentences' mean token vectors from the joint pass (times a learnt weight, plus a learnt bias; the bi-encoder's similarity on tokens that attended to both sentences), binary cross-entropy on score/5",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, layout: Cosine), BiEncoder: false),
        // Late interaction: the lower layers read each sentence alone, the top ones the pair. All 6 apart is the
        // bi-encoder under the cross-encoder's head and loss, the control that 4 and 5 are read against.
        ApartRow(4), ApartRow(5), ApartRow(6),
        // The apart-6 control with a way across: each head of each layer learns how far to read the other sentence,
        // from nearly not at all. The gate's rate is the head's, so it can travel several units in one run.
        new("cross-encoder-gate", "all-MiniLM-L6-v2 as a cross-encoder laid out as the apart rows, every layer's attention reading the other sentence through a learnt bias per head " +
            $"on its scores, started at {GateStart} (about 2% of a token's attention across) and trained with the head at {GateLearningRate:0.###} (the head's weight and bias with it), scored as the cross-encoder-cosine row scores",
            (s, key, seed) => TrainGated(s, seed, key, Model), BiEncoder: false, Gated: true),
        // Shut, the gate leaves the bi-encoder it starts from; started from our best plain bi-encoder, the cross-encoder
        // begins where that one ends and learns only what reading the other sentence adds.
        new("cross-encoder-gate-from-cosent", "the cross-encoder-gate row starting from the same seed's cosent bi-encoder (already trained on STSb one sentence at a time) instead of all-MiniLM-L6-v2",
            (s, key, seed) => TrainGated(s, seed, key, TrainedEncoder(s.Ctx, "cosent", seed)), BiEncoder: false, Gated: true),
        // Among the bi-encoders, CoSENT's ranking beats regression on test by about 0.8 (and loses on dev); the gated
        // model scores a cosine as they do, so the same trade may hold for it, as it did not for the [CLS] head.
        new("cross-encoder-gate-ranking", "the cross-encoder-gate row trained with the cross-encoder-ranking row's loss (CoSENT's pair ranking on sigmoid(score)) instead of binary cross-entropy",
            (s, key, seed) => TrainGated(s, seed, key, Model, CrossEncoderLoss.PairRanking), BiEncoder: false, Gated: true),
        // The cross-encoder's default rate was chosen for a new classifier on the pair; gated and ranked, the model is
        // the CoSENT bi-encoder plus a head and gates with their own rate, so the encoder may want CoSENT's 2e-5.
        new("cross-encoder-gate-ranking-lr-2e-5", $"the cross-encoder-gate-ranking row with the encoder at the bi-encoder rows' peak learning rate, 2e-5, instead of the cross-encoder's 1e-4 (the head and gates still at {GateLearningRate:0.###})",
            (s, key, seed) => TrainGated(s, seed, key, Model, CrossEncoderLoss.PairRanking, learningRate: 2e-5), BiEncoder: false, Gated: true),
        // The cosent row's own recipe on the gated model (its loss on the same cosine, its encoder rate): the sigmoid
        // the ranking rows rank on bends CoSENT's fixed scale, most near the ends.
        new("cross-encoder-gate-cosent", $"the cross-encoder-gate row trained as the cosent row trains its bi-encoder: CoSENT on the cosine of the two sentences (scale 20; the head's weight and bias untrained), the encoder at 2e-5 (the gates still at {GateLearningRate:0.###}): the cosent bi-encoder with a way across the pair",
            (s, key, seed) => TrainGated(s, seed, key, Model, CrossEncoderLoss.CosineRanking, learningRate: TrainingOptions.PaperLearningRate), BiEncoder: false, Gated: true),
        // Its control: the same with no way across, each sentence read alone as the bi-encoder reads it.
        new("cross-encoder-apart-6-cosent", "the cross-encoder-gate-cosent row with no gate, all 6 layers reading each sentence alone (the cross-encoder-apart-6 layout): the cosent bi-encoder's recipe run through the cross-encoder, that row's control",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, layout: Apart(6), loss: CrossEncoderLoss.CosineRanking, learningRate: TrainingOptions.PaperLearningRate), BiEncoder: false),
        // Silver pairs first lift the [CLS] cross-encoder; the gated one, level with the bi-encoders, may gain as much.
        new(GateSilver.Row, $"the cross-encoder-gate row, first 1 epoch under its layout, head and gate on the {FirstSilver.Row} row's silver pairs (drawn and labelled by the same seed's {GateSilver.Teacher} bi-encoder), then STSb",
            (s, key, seed) => TrainGated(s, seed, key, Model, first: SilverFirst(GateSilver, Gated)), BiEncoder: false, Gated: true),
        // The gate row's control: no way across, the head at the gate row's rate.
        new("cross-encoder-apart-6-head-rate", $"the cross-encoder-apart-6 row with its head trained at {GateLearningRate:0.###}, as the cross-encoder-gate row's head and gate are: that row's control",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, layout: Apart(6) with { HeadLearningRate = GateLearningRate }), BiEncoder: false),
        // The control's lesson taken back to BERT's pair layout: does the [CLS] classifier, new as the cosine head is,
        // also want a faster rate than the encoder it reads?
        new("cross-encoder-head-rate", $"the cross-encoder row with its new classifier trained at {GateLearningRate:0.###}, as the cross-encoder-gate row's head is (BERT's pooler, from the checkpoint, at the encoder's rate)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, layout: new(HeadLearningRate: GateLearningRate)), BiEncoder: false),
        new("cross-encoder-mse", "all-MiniLM-L6-v2 as a cross-encoder, mean squared error between sigmoid(score) and score/5 instead of binary cross-entropy (the paper's cross-encoder regressed the score)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, loss: CrossEncoderLoss.MeanSquaredError), BiEncoder: false),
        new("cross-encoder-ranking", "all-MiniLM-L6-v2 as a cross-encoder, CoSENT's pair ranking (scale 20) on sigmoid(score) instead of binary cross-entropy (every two pairs of a batch in their gold order, as CoSENT trains the bi-encoder)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, loss: CrossEncoderLoss.PairRanking), BiEncoder: false),
        // The default rate was chosen on one-epoch runs on a train subset (docs/efficiency.md); these two check it on
        // the full four epochs, read on dev.
        new("cross-encoder-lr-5e-5", "all-MiniLM-L6-v2 as a cross-encoder at half the default peak learning rate (5e-5)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, learningRate: 5e-5), BiEncoder: false),
        new("cross-encoder-lr-2e-4", "all-MiniLM-L6-v2 as a cross-encoder at twice the default peak learning rate (2e-4)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, learningRate: 2e-4), BiEncoder: false),
        new("nli-cross-encoder", "all-MiniLM-L6-v2 as a cross-encoder, NLI first (3-label head on SNLI dev + SICK-E train, 1 epoch), then a new one-label head on STSb",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, first: NliFirst), BiEncoder: false),
        new("cross-encoder-sick-first", "all-MiniLM-L6-v2 as a cross-encoder, first 1 epoch on SICK-R train's gold relatedness (4,500 pairs, 1 to 5 scaled to [0, 1]; the pairs whose entailment labels the NLI rows read), then STSb",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, first: SickFirst), BiEncoder: false),
        new("cross-encoder-from-nli-cosent", "a cross-encoder starting from the same seed's nli-cosent bi-encoder (already trained on NLI and STSb, one sentence at a time), new one-label head",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, start: TrainedEncoder(s.Ctx, "nli-cosent", seed)), BiEncoder: false),
        // The checkpoint has no pooler, so the head reads the trained [CLS] vector directly.
        new("cross-encoder-arctic", "snowflake-arctic-embed-xs as a cross-encoder (the cross-encoder row's recipe; arctic-xs is all-MiniLM-L6-v2 trained further for retrieval with CLS pooling, so the [CLS] vector the head reads was trained)",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, start: "arctic-xs"), BiEncoder: false),
        new(FirstSilver.Row, $"all-MiniLM-L6-v2 as a cross-encoder, first 1 epoch on silver pairs of STSb train sentences (each with its {FirstSilver.Neighbours} nearest others and {FirstSilver.Random} random one, drawn and labelled by the cosine of the same seed's {FirstSilver.Teacher} bi-encoder; no train, dev or test pair among them), then STSb",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, first: SilverFirst(FirstSilver)), BiEncoder: false),
        new("augmented-cosent", $"Augmented SBERT: all-MiniLM-L6-v2 bi-encoder, first 1 epoch of CoSENT on the same silver pairs labelled by the same seed's {FirstSilver.Row}, then the CoSENT objective on STSb",
            (s, key, seed) => TrainBiEncoder(s, seed, key, new CoSentLoss(), nliFirst: false, silverTeacher: FirstSilver.Row)),
        // A teacher that reads the pair better than cross-encoder-silver does (cross-encoder-gate), on the same pairs.
        new("augmented-cosent-gate", $"Augmented SBERT with the cross-encoder-gate row's same-seed model as the teacher: the augmented-cosent row's silver pairs (drawn by {FirstSilver.Teacher}) labelled by it, 1 epoch of CoSENT on them, then the CoSENT objective on STSb",
            (s, key, seed) => TrainBiEncoder(s, seed, key, new CoSentLoss(), nliFirst: false, silverTeacher: "cross-encoder-gate")),
        // The best cross-encoder recipe (gate-cosent) under the best bi-encoder's first stage: if reading across the
        // pair adds what it adds to the plain model, this is the row that could stand above Augmented SBERT.
        new("cross-encoder-gate-augmented", $"Augmented SBERT with the cross-encoder-gate-cosent row as the student: under the gated layout, first 1 epoch of CoSENT at 2e-5 on the augmented-cosent row's silver pairs labelled by the same seed's {FirstSilver.Row}, then the cross-encoder-gate-cosent row's STSb training",
            (s, key, seed) => TrainGated(s, seed, key, Model, CrossEncoderLoss.CosineRanking, learningRate: TrainingOptions.PaperLearningRate, first: GateAugmentedFirst), BiEncoder: false, Gated: true),
        // Its control, as cross-encoder-apart-6-cosent is gate-cosent's: Augmented SBERT's bi-encoder run through the
        // cross-encoder's code, so that what the gate adds is read apart from what the code path draws differently.
        new("cross-encoder-apart-6-augmented", "the cross-encoder-gate-augmented row with no gate, all 6 layers reading each sentence alone (the cross-encoder-apart-6 layout) in its first stage and on STSb: that row's control",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, first: ApartAugmentedFirst, loss: CrossEncoderLoss.CosineRanking, learningRate: TrainingOptions.PaperLearningRate), BiEncoder: false),
        new(StudentSilver.Row, $"Augmented SBERT's student teaching back: all-MiniLM-L6-v2 as a cross-encoder, first 1 epoch on more silver pairs of STSb train sentences (each with its {StudentSilver.Neighbours} nearest others and {StudentSilver.Random} random ones), drawn and labelled by the cosine of the same seed's {StudentSilver.Teacher} bi-encoder, then STSb",
            (s, key, seed) => TrainCrossEncoder(s, seed, key, first: SilverFirst(StudentSilver)), BiEncoder: false),
    };

    public static StringBuilder Run(ReproductionContext ctx)
    {
        var setup = LoadSetup(ctx);
        double before;
        using (var encoder = SentenceEncoder.Load(Model, new SentenceEncoderOptions { Threads = ctx.Threads }))
            before = 100 * new EmbeddingSimilarityEvaluator(setup.Test).Evaluate(encoder)["spearman_cosine"];

        var runs = Runs(ctx);
        var figures = Rows.ToDictionary(r => r.Key, _ => new SortedDictionary<int, double>());
        int reused = 0;
        var soups = new List<(Row Row, int Seeds, double Test)>();
        var symmetric = new List<(Row Row, SortedDictionary<int, double> Tests)>();
        var greedy = new List<GreedySoupFigure>();
        // Seed by seed (every row once per seed), so that a run stopped part-way leaves every row with as many seeds;
        // the section is written after each seed that trained something, since five seeds take hours on 2 cores.
        for (int seed = 1; seed <= ctx.Seeds; seed++)
        {
            bool trained = false;
            var leftOut = new List<Row>();
            foreach (var row in Rows)
            {
                if (Kept(runs.Read(), RunKey(setup, row.Key, seed)) is double test)
                {
                    reused++;
                    ctx.Log.WriteLine($"table 2: {row.Key} seed {seed}: {test:F2} (kept in {runs.Path})");
                }
                else if (ctx.Table2Rows is { } only && !only.Contains(row.Key) || ctx.Table2Seeds is { } onlySeeds && !onlySeeds.Contains(seed))
                {
                    ctx.Log.WriteLine($"table 2: {row.Key} seed {seed}: not kept and not in --rows or --train-seeds; left out");
                    leftOut.Add(row);
                    continue;
                }
                else (test, trained) = (TrainAndKeep(setup, row, seed), true);
                figures[row.Key][seed] = test;
            }
            // A row left out may have been trained since as another row's teacher (Augmented SBERT's cross-encoder).
            var keptNow = leftOut.Count > 0 ? runs.Read() : null;
            foreach (var row in leftOut)
                if (Kept(keptNow!, RunKey(setup, row.Key, seed)) is double test) figures[row.Key][seed] = test;
            if (seed == ctx.Seeds || trained) (soups, symmetric, greedy) = (Soups(setup), SymmetricScores(setup), GreedySoups(setup));
            if (seed < ctx.Seeds && trained) ctx.WritePartial?.Invoke(Section(setup, before, figures, soups, symmetric, greedy, reused, seedsDone: seed));
        }
        string saved = System.IO.Path.Combine(ctx.Artifacts, TunedFolderName);
        if (ReproductionContext.IsKept(saved)) ctx.StsbTunedModel = saved;
        return Section(setup, before, figures, soups, symmetric, greedy, reused, seedsDone: ctx.Seeds);
    }

    private static StringBuilder Section(Setup setup, double before, Dictionary<string, SortedDictionary<int, double>> figures, List<(Row Row, int Seeds, double Test)> soups,
        List<(Row Row, SortedDictionary<int, double> Tests)> symmetric, List<GreedySoupFigure> greedy, int reused, int seedsDone)
    {
        var ctx = setup.Ctx;
        int seeds = ctx.Seeds, epochs = setup.Epochs;
        string saved = System.IO.Path.Combine(ctx.Artifacts, TunedFolderName);
        var md = ctx.Header("Table 2: supervised STS (STSb)", "2");
        if (seedsDone < seeds)
        {
            md.AppendLine($"**In progress: seeds 1 to {seedsDone} of {seeds} gone through (trained, or reported from the kept runs) when this was written; the same command resumes from the kept runs.**");
            md.AppendLine();
        }
        md.AppendLine($"Spearman x100 on the STSb test set ({setup.Test.Count:N0} pairs; cosine similarity for the bi-encoders, the score for the cross-encoder). " +
                      $"Each of our trained rows starts from all-MiniLM-L6-v2 and trains on {setup.Train.Count:N0} STSb train pairs (label score / 5) for {epochs} epoch(s), " +
                      $"batch 16, {(ctx.TrainingPrecision == Precision.BFloat16 ? "forward pass under bf16 autocast, " : "")}AdamW lr 2e-5 (the cross-encoder {CrossEncoderTrainingOptions.DefaultLearningRate.ToString(CultureInfo.InvariantCulture)}, see efficiency.md), 10% warm-up, evaluated on STSb dev ({setup.Dev.Count:N0} pairs) every {setup.EvaluationSteps} steps with the best weights kept; " +
                      $"{Seeds(seeds)}" + (epochs == PaperEpochs ? "" : $" The paper trains {PaperEpochs} epochs; this run trained {epochs}" + (epochs < PaperEpochs ? " to fit the machine's time." : ", the best step still chosen on dev.")) +
                      $" Per-seed figures are kept in {DisplayPath(Runs(ctx).Path)}" + (reused > 0 ? $" ({reused} of them reused: kept there by earlier invocations with these settings, whatever their --rows, --seeds and --train-seeds)." : ".") +
                      (ReproductionContext.IsKept(saved) ? $" Seed 1's regression encoder is written to {DisplayPath(saved)}." : "") +
                      (soups.Count == 0 ? "" : " A soup row averages every weight of a row's kept seeds' models into one model of the same size (ModelSoup; every kept seed goes in, nothing is chosen on test; a cross-encoder row only where its head compares the two sentences, since a new [CLS] classifier starts from its seed).") +
                      (symmetric.Count == 0 ? "" : " A both-orders row scores each test pair with a row's kept cross-encoders as the mean of their scores of (a, b) and (b, a) (CrossEncoder.PredictSymmetric); the model and its training are the row's, only the scoring differs."));
        md.AppendLine();
        md.AppendLine("| model | STSb test |");
        md.AppendLine("|---|---:|");
        foreach (var (model, figure) in Paper) md.AppendLine($"| paper: {model} | {figure} |");
        md.AppendLine($"| ours: all-MiniLM-L6-v2, not trained on STSb | {ReproductionContext.F(before)} |");
        foreach (var row in Rows)
            md.AppendLine($"| ours: {row.Label} | {RowFigure(figures[row.Key], seeds)} |");
        foreach (var (row, count, test) in soups)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| ours: uniform soup of the {count} kept seeds' {(row.BiEncoder ? "encoders" : "cross-encoders")} of the {row.Key} row | {test:F2} |"));
        foreach (var g in greedy)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| ours: greedy soup across the {g.Group} rows' models on the machine that made it, {g.Kept.Count} of {g.Offered.Count} kept on STSb dev | {g.Test:F2} |"));
        foreach (var (row, tests) in symmetric)
            md.AppendLine($"| ours: the {row.Key} row's cross-encoders, each test pair scored on both orders | {RowFigure(tests, seeds)} |");
        md.AppendLine();
        bool gaps = figures.Values.Concat(symmetric.Select(r => r.Tests)).Any(t => t.Count > 0 && t.Count < t.Keys.Max());
        md.AppendLine("Per seed" + (gaps ? " (seeds 1, 2, ... in order; a dash: that seed is not kept)" : "") + ": "
            + string.Join("; ", Rows.Where(r => figures[r.Key].Count > 0).Select(r => $"{r.Key} {PerSeed(figures[r.Key])}")) + ".");
        if (symmetric.Count > 0)
            md.AppendLine("Per seed, both orders: " + string.Join("; ", symmetric.Select(r => $"{r.Row.Key} {PerSeed(r.Tests)}")) + ".");
        var kept = Runs(ctx).Read();
        // Choices between rows are made on dev, never on test, so dev is published beside test.
        var devs = Rows.Select(r => (r.Key, Dev: new SortedDictionary<int, double>(figures[r.Key].Keys
                .Select(k => (Seed: k, Dev: BestDev(kept, RunKey(setup, r.Key, k)))).Where(x => x.Dev is not null).ToDictionary(x => x.Seed, x => x.Dev!.Value))))
            .Where(r => r.Dev.Count > 0).ToList();
        if (devs.Count > 0)
            md.AppendLine("Per seed, STSb dev Spearman x100 of the weights kept (runs that recorded it; a dash: not recorded): " +
                          string.Join("; ", devs.Select(r => $"{r.Key} {PerSeed(r.Dev)}")) + ".");
        var noSoup = Rows.Where(r => r.BiEncoder && figures[r.Key].Count >= 2 && soups.All(x => x.Row != r)).Select(r => r.Key).ToList();
        if (noSoup.Count > 0)
            md.AppendLine($"No soup for {string.Join(", ", noSoup)}: fewer than two of {(noSoup.Count == 1 ? "its" : "their")} seeds' encoders are on this machine, and none was kept from another.");
        GreedySoupNotes(md, greedy);
        PrecisionComparison(md, kept, setup);
        OtherEpochs(md, kept, setup);
        return md;
    }

    /// <summary>Table 2's data and settings for <paramref name="ctx"/> (sub-sampled with --quick).</summary>
    private static Setup LoadSetup(ReproductionContext ctx)
    {
        int epochs = Epochs(ctx.Epochs, ctx.Quick);
        var train = ReproductionContext.Subsample(
            TrainingData.Examples(ctx.Data.File("stsb", "sts-train.csv"), "stsb", TrainingObjective.Regression).Examples, ctx.Quick ? QuickTrainPairs : null);
        var devPairs = ReproductionContext.Subsample(StsBenchmarkReader.Read(ctx.Data.File("stsb", "sts-dev.csv")), ctx.Quick ? QuickEvaluationPairs : null);
        var testPairs = ReproductionContext.Subsample(StsBenchmarkReader.Read(ctx.Data.File("stsb", "sts-test.csv")), ctx.Quick ? QuickEvaluationPairs : null);
        var nli = NliExamples(ctx);
        // Twice per epoch, as sbert-bench training does.
        return new Setup(ctx, epochs, train, nli, devPairs, testPairs, Math.Max(1, train.Count / TrainingOptions.PaperBatchSize / 2));
    }

    /// <summary>The NLI we have (SNLI dev + SICK-E train, 14,342 pairs; the paper's SNLI + MultiNLI is about 1M), as Table 6 reads it.</summary>
    internal static List<TrainingExample> NliExamples(ReproductionContext ctx) =>
        ReproductionContext.Subsample(TrainingData.Examples(ctx.Data.File("snli", "s1.dev"), "snli", TrainingObjective.Softmax).Examples
            .Concat(TrainingData.Examples(ctx.Data.File("sick", "SICK_train.txt"), "sick", TrainingObjective.Softmax).Examples).ToList(), ctx.Quick ? QuickTrainPairs : null);

    private static string RunKey(Setup s, string row, int seed, Precision? precision = null) =>
        RunKey(row, seed, s.Epochs, s.Train.Count, s.Dev.Count, s.Test.Count, precision ?? s.Ctx.TrainingPrecision);

    private static KeptResults Runs(ReproductionContext ctx) => new(System.IO.Path.Combine(ctx.Kept ?? ctx.Artifacts, RunsFileName));

    /// <summary>A path as the Markdown shows it: relative to the working folder when inside it, so no machine's home is published.</summary>
    private static string DisplayPath(string path)
    {
        string relative = System.IO.Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(relative) ? System.IO.Path.GetFileName(path) : relative;
    }

    /// <summary>Trains one (row, seed), keeps its figure in the runs file and returns it.</summary>
    private static double TrainAndKeep(Setup setup, Row row, int seed)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var resumedBefore = setup.Ctx.ResumedCheckpoints.ToHashSet();
        var (test, best) = TrainDiscardingIncompatible(setup, row, seed);
        // A stage resumed from a checkpoint (this row's or a teacher's trained inside it) ran only in part here.
        bool resumed = !setup.Ctx.ResumedCheckpoints.IsSubsetOf(resumedBefore);
        double? dev = best is null ? null : 100 * best.PrimaryMetric;
        setup.Ctx.Log.WriteLine($"table 2: {row.Key} seed {seed}: STSb test {test:F2} (best dev {dev:F2} at step {best?.Step}, {clock.Elapsed.TotalMinutes:F1} min)");
        var runs = Runs(setup.Ctx);
        string key = RunKey(setup, row.Key, seed);
        // A teacher retrained because its encoder was not kept replaces its row's figure. bf16 runs repeat bit for bit
        // on one CPU kind and to about a thousandth of a point on another (nli-regression seed 5: AMD EPYC, then an
        // Intel Xeon), so the log says when the figure moved and each run names the CPU that trained it.
        var kept = runs.Read();
        if (kept[key] is JsonObject earlier && Kept(kept, key) is double was && Math.Abs(was - test) >= 0.005)
            setup.Ctx.Log.WriteLine($"table 2: {row.Key} seed {seed}: replaces the kept {was:F2} ({earlier["cpu"]?.GetValue<string>() ?? "CPU not recorded"})");
        var run = new JsonObject
        {
            ["test"] = test, ["best_step"] = best?.Step, ["best_dev"] = dev,
            ["cpu"] = Benchmarks.MachineInfo.Cpu(), ["date"] = Benchmarks.MachineInfo.Today,
        };
        if (resumed) run["resumed"] = true; // its minutes would be the part after the resume, not the run's
        else run["minutes"] = Math.Round(clock.Elapsed.TotalMinutes, 1);
        runs.Keep(key, run);
        // Only now: a kill before the figure is kept must still find the checkpoints.
        ForgetCheckpoints(setup, row.Key, seed);
        return test;
    }

    /// <summary>
    /// The folder of seed <paramref name="seed"/>'s encoder for a bi-encoder row, or for <see cref="NliStage"/> (the
    /// NLI-trained encoder before STSb), trained now with Table 2's recipe when no earlier run left it.
    /// </summary>
    internal static string TrainedEncoder(ReproductionContext ctx, string name, int seed)
    {
        string folder = ModelFolder(ctx, name, seed);
        if (ReproductionContext.IsKept(folder)) return folder;
        string rowKey = name == NliStage ? "nli-regression" : name;
        var biEncoders = Rows.Where(r => r.BiEncoder).ToList();
        var row = biEncoders.FirstOrDefault(r => r.Key == rowKey)
            ?? throw new ArgumentException($"no bi-encoder row or stage of Table 2 is called '{name}'; expected one of {string.Join(", ", biEncoders.Select(r => r.Key).Append(NliStage))}.", nameof(name));
        ctx.Log.WriteLine($"table 2: {name} seed {seed}: no encoder at {folder}; training {row.Key} now");
        TrainAndKeep(LoadSetup(ctx), row, seed);
        return folder;
    }

    /// <summary>The NLI-trained encoder of the nli-regression row, before STSb (the paper's SBERT-NLI).</summary>
    internal const string NliStage = "nli-softmax";
    /// <summary>The NLI-trained cross-encoder (3 labels) of the nli-cross-encoder row, before STSb.</summary>
    private const string CrossEncoderNliStage = "nli-cross-encoder-3-labels";
    /// <summary>The SICK-R-trained cross-encoder (1 label) of the cross-encoder-sick-first row, before STSb.</summary>
    private const string CrossEncoderSickStage = "cross-encoder-sick-stage";

    private static string ModelFolder(ReproductionContext ctx, string name, int seed) =>
        ModelFolder(ctx.Artifacts, ModelsFolderName, name, seed, Epochs(ctx.Epochs, ctx.Quick), ctx.TrainingPrecision, ctx.Quick);

    /// <summary>
    /// artifacts/group/name-vR-Nep-seedK, with -bf16 and -quick when they apply: the recipe version and epochs are in the
    /// name, so a run of other settings neither writes over a kept encoder nor is averaged with it into a soup.
    /// </summary>
    internal static string ModelFolder(string artifacts, string group, string name, int seed, int epochs, Precision precision, bool quick) => System.IO.Path.Combine(artifacts, group,
        $"{name}-v{RecipeVersion}-{epochs}ep-seed{seed}" + (precision == Precision.BFloat16 ? "-bf16" : "") + (quick ? "-quick" : ""));

    /// <summary>Table 2's epochs: those asked for, else 1 with --quick and the paper's 4 otherwise.</summary>
    internal static int Epochs(int? requested, bool quick) => requested ?? (quick ? 1 : PaperEpochs);

    /// <summary>Our trained rows, by the key <see cref="RunsFileName"/> uses.</summary>
    internal static IReadOnlyList<string> RowKeys => Rows.Select(r => r.Key).ToList();

    /// <summary>A run's key in <see cref="RunsFileName"/>: every setting its figure depends on.</summary>
    internal static string RunKey(string row, int seed, int epochs, int train, int dev, int test, Precision precision) =>
        $"{row}|v{RecipeVersion}|seed {seed}|epochs {epochs}|train {train}|dev {dev}|test {test}" + (precision == Precision.BFloat16 ? "|bf16" : "");

    private static string Seeds(int n) => n == 1
        ? "one seed (1)."
        : $"{n} seeds (1 to {n}: dropout, shuffling and the cross-encoder's new head); mean ± sample standard deviation.";

    /// <summary>A row's figures in seed order, a dash for a seed in between that has none (left out by --train-seeds or --rows).</summary>
    private static string PerSeed(SortedDictionary<int, double> tests) =>
        string.Join(", ", Enumerable.Range(1, tests.Keys.Max()).Select(k => tests.TryGetValue(k, out double t) ? t.ToString("F2", CultureInfo.InvariantCulture) : "–"));

    /// <summary>A row's cell: its seeds' mean and deviation, and how many of the seeds asked for it has when not all.</summary>
    private static string RowFigure(SortedDictionary<int, double> tests, int seeds) =>
        MeanAndDeviation(tests.Values) + (tests.Count == seeds ? "" : $" ({tests.Count} of {seeds} seeds)");

    /// <summary>"mean ± sample standard deviation" with two decimals; the mean alone for one figure.</summary>
    public static string MeanAndDeviation(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return "–";
        double mean = values.Average();
        if (values.Count == 1) return mean.ToString("F2", CultureInfo.InvariantCulture);
        double sd = Math.Sqrt(values.Sum(x => (x - mean) * (x - mean)) / (values.Count - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F2} ± {sd:F2}");
    }

    private static double? BestDev(JsonObject runs, string key) =>
        runs[key] is JsonObject kept && kept["best_dev"] is JsonValue v && v.TryGetValue<double>(out double dev) ? dev : null;

    private static double? Kept(JsonObject runs, string key) =>
        runs[key] is JsonObject kept && kept["test"] is JsonValue v && v.TryGetValue<double>(out double test) ? test : null;

    /// <summary>
    /// Where both precisions were trained with the same seed, their figures side by side: bf16 is used only where it is
    /// as accurate as fp32 (a difference within the spread between seeds).
    /// </summary>
    private static void PrecisionComparison(StringBuilder md, JsonObject runs, Setup setup)
    {
        var pairs = (from row in Rows
                     from seed in Enumerable.Range(1, setup.Ctx.Seeds)
                     let a = Kept(runs, RunKey(setup, row.Key, seed, Precision.Float32))
                     let b = Kept(runs, RunKey(setup, row.Key, seed, Precision.BFloat16))
                     where a is not null && b is not null
                     select string.Create(CultureInfo.InvariantCulture, $"{row.Key} seed {seed} {a:F2} vs {b:F2}")).ToList();
        if (pairs.Count == 0) return;
        md.AppendLine();
        md.AppendLine($"Same seed, fp32 vs bf16 autocast (the {(setup.Ctx.TrainingPrecision == Precision.BFloat16 ? "fp32" : "bf16")} runs kept from another invocation, not in the table): " +
                      string.Join("; ", pairs) + ".");
    }

    /// <summary>
    /// Kept runs of this precision and data with other epochs than the section's (more epochs tried on a few seeds,
    /// the best step chosen on dev as always), listed under the table with their best step, not averaged into it.
    /// </summary>
    private static void OtherEpochs(StringBuilder md, JsonObject runs, Setup setup)
    {
        var others = (from row in Rows
                      from epochs in Enumerable.Range(1, MaxListedEpochs).Where(e => e != setup.Epochs)
                      from seed in Enumerable.Range(1, setup.Ctx.Seeds)
                      let key = RunKey(row.Key, seed, epochs, setup.Train.Count, setup.Dev.Count, setup.Test.Count, setup.Ctx.TrainingPrecision)
                      let test = Kept(runs, key)
                      where test is not null
                      select string.Create(CultureInfo.InvariantCulture,
                          $"{row.Key}, {epochs} epochs, seed {seed}: {test:F2} ({BestDevEvaluation(runs, key)})")).ToList();
        if (others.Count == 0) return;
        int stepsPerEpoch = (setup.Train.Count + TrainingOptions.PaperBatchSize - 1) / TrainingOptions.PaperBatchSize;
        md.AppendLine();
        md.AppendLine($"Other epochs (runs kept from invocations with another --epochs, not in the table; {stepsPerEpoch} steps per epoch, twice that on both orders): {string.Join("; ", others)}.");
    }

    /// <summary>"best dev evaluation 88.37 at step N", without the dev figure for runs kept before it was recorded.</summary>
    private static string BestDevEvaluation(JsonObject runs, string key)
    {
        var run = runs[key] as JsonObject;
        string step = run?["best_step"]?.ToString() ?? "?";
        return run?["best_dev"] is JsonValue v && v.TryGetValue<double>(out double dev)
            ? string.Create(CultureInfo.InvariantCulture, $"best dev evaluation {dev:F2} at step {step}")
            : $"best dev evaluation at step {step}";
    }

    /// <summary>The most epochs <see cref="OtherEpochs"/> looks for.</summary>
    private const int MaxListedEpochs = 20;

    /// <param name="silverTeacher">A cross-encoder row whose same-seed model labels the silver pairs trained on before gold (Augmented SBERT); null: none.</param>
    private static (double, TrainingEvaluation?) TrainBiEncoder(Setup s, int seed, string row, ISentenceLoss loss, bool nliFirst, string? silverTeacher = null)
    {
        // The NLI stage is one recipe for every NLI-first row, so a seed's stage left by another row is read back
        // instead of trained again (the STSb stage seeds itself per step, so it does not depend on how it got here).
        string nliStage = ModelFolder(s.Ctx, NliStage, seed);
        bool nliKept = nliFirst && ReproductionContext.IsKept(nliStage);
        using var encoder = SentenceEncoder.Load(nliKept ? nliStage : Model, new SentenceEncoderOptions { Threads = s.Ctx.Threads });
        if (nliKept) s.Ctx.Log.WriteLine($"table 2: {row} seed {seed}: NLI stage read from {nliStage}");
        else if (nliFirst)
        {
            // The paper's SBERT-NLI recipe (Section 3: softmax over (u, v, |u-v|), 1 epoch, batch 16, lr 2e-5); the
            // head is dropped afterwards and the encoder goes on to STSb.
            using var nliLoss = new SoftmaxLoss(encoder.Dimension, 3);
            var nliOptions = new SiameseTrainingOptions { Epochs = 1, Seed = seed, Precision = s.Ctx.TrainingPrecision, Log = s.Ctx.Log.WriteLine };
            string? nliResume = ResumableStage(s, NliStage, seed, "nli", nliOptions);
            new SiameseTrainer(encoder, nliLoss, nliOptions).Train(s.Nli, nliResume);
            encoder.Save(nliStage);
            ForgetCheckpoints(s, NliStage, seed);
        }
        // A gold stage under way holds the weights the silver stage led to (its checkpoint is loaded whole).
        if (silverTeacher is not null && !StageStarted(s, row, seed, "gold"))
        {
            // Augmented SBERT: the cross-encoder's labels on new pairs of STSb train sentences, one epoch before gold
            // (in stages, as the NLI rows do, so that the best step is still chosen on dev during the gold epochs).
            var silverOptions = new SiameseTrainingOptions { Epochs = 1, Seed = seed, Precision = s.Ctx.TrainingPrecision, Log = s.Ctx.Log.WriteLine };
            var silverPairs = SilverFromCrossEncoder(s, seed, silverTeacher);
            string? silverResume = ResumableStage(s, row, seed, "silver", silverOptions);
            new SiameseTrainer(encoder, loss, silverOptions).Train(silverPairs, silverResume);
        }
        var options = new SiameseTrainingOptions
        {
            Epochs = s.Epochs, Seed = seed, Evaluator = new EmbeddingSimilarityEvaluator(s.Dev), EvaluationSteps = s.EvaluationSteps, Log = s.Ctx.Log.WriteLine,
            Precision = s.Ctx.TrainingPrecision,
        };
        string? goldResume = ResumableStage(s, row, seed, "gold", options);
        var result = new SiameseTrainer(encoder, loss, options).Train(s.Train, goldResume);
        double test = 100 * new EmbeddingSimilarityEvaluator(s.Test).Evaluate(encoder)["spearman_cosine"];
        // Every seed's encoder is kept (the objectives table reads seed 1's, and later seeds are there to compare or average).
        encoder.Save(ModelFolder(s.Ctx, row, seed));
        if (row == "regression" && seed == 1)
        {
            // Kept so Table 5 can run SentEval on it, as the paper's Table 5 does with its trained SBERT.
            encoder.Save(System.IO.Path.Combine(s.Ctx.Artifacts, TunedFolderName));
        }
        return (test, result.BestEvaluation);
    }

    /// <param name="first">A first stage from all-MiniLM-L6-v2 (<see cref="CrossEncoderFirstStage"/>); STSb starts from its model.</param>
    /// <param name="start">Where STSb starts without a first stage: an embedded model's name or a folder.</param>
    /// <param name="layout">The row's layout; by default the first stage's, else BERT's pair layout (a row that names both: the two must agree).</param>
    private static (double, TrainingEvaluation?) TrainCrossEncoder(Setup s, int seed, string row, CrossEncoderFirstStage? first = null, bool bothOrders = false,
        CrossEncoderLayout? layout = null, CrossEncoderLoss? loss = null, string start = Model, double learningRate = CrossEncoderTrainingOptions.DefaultLearningRate)
    {
        layout ??= first?.Layout ?? PairLayout;
        if (first is not null)
        {
            if (start != Model) throw new ArgumentException($"row {row}: a first stage starts from {Model}, so it cannot also start from {start}.", nameof(start));
            if (layout != (first.Layout ?? PairLayout))
                throw new ArgumentException($"row {row}: the first stage {first.StageRow} is laid out as {first.Layout ?? PairLayout}, the row as {layout}; STSb goes on under the stage's layout.", nameof(layout));
            start = CrossEncoderStage(s, seed, first);
        }
        using var model = layout.Load(start, numLabels: 1, new EncoderOptions { Threads = s.Ctx.Threads }, seed, replaceHead: first is { NumLabels: not 1 });
        var options = new CrossEncoderTrainingOptions
        {
            Epochs = s.Epochs, Seed = seed, Evaluator = new CrossEncoderCorrelationEvaluator(s.Dev), EvaluationSteps = s.EvaluationSteps, Log = s.Ctx.Log.WriteLine,
            Precision = s.Ctx.TrainingPrecision, Loss = loss, LearningRate = learningRate, HeadLearningRate = layout.HeadLearningRate,
        };
        string? goldResume = ResumableStage(s, row, seed, "gold", options);
        var result = new CrossEncoderTrainer(model, options).Train(bothOrders ? BothOrders(s.Train) : s.Train, goldResume);
        if (model.Head.CrossSentenceGate is { } gate)
        {
            using var scope = TorchSharp.torch.NewDisposeScope();
            var bias = gate.Bias;
            s.Ctx.Log.WriteLine($"{row} seed {seed}: cross-sentence gate per layer (mean, max over heads): " +
                                string.Join("; ", Enumerable.Range(0, gate.Layers).Select(l => $"{bias[l].mean().item<float>():F2}, {bias[l].max().item<float>():F2}")));
        }
        // Kept as the augmented rows' teacher, and to be scored on both orders (SymmetricScores).
        model.Save(ModelFolder(s.Ctx, row, seed));
        return (100 * new CrossEncoderCorrelationEvaluator(s.Test).Evaluate(model)["spearman"], result.BestEvaluation);
    }

    /// <summary>Trains <paramref name="stage"/> for the seed, or finds it kept; returns its model's folder.</summary>
    private static string CrossEncoderStage(Setup s, int seed, CrossEncoderFirstStage stage)
    {
        string folder = ModelFolder(s.Ctx, stage.StageRow, seed);
        if (ReproductionContext.IsKept(folder))
        {
            return folder;
        }
        var layout = stage.Layout ?? PairLayout;
        using var model = layout.Load(Model, stage.NumLabels, new EncoderOptions { Threads = s.Ctx.Threads }, seed);
        var options = new CrossEncoderTrainingOptions
        {
            Epochs = 1, Seed = seed, Precision = s.Ctx.TrainingPrecision, Log = s.Ctx.Log.WriteLine, HeadLearningRate = layout.HeadLearningRate,
            Loss = stage.Loss, LearningRate = stage.LearningRate,
        };
        string? resume = ResumableStage(s, stage.StageRow, seed, stage.Stage, options);
        new CrossEncoderTrainer(model, options).Train(stage.Pairs(s, seed), resume);
        model.Save(folder);
        ForgetCheckpoints(s, stage.StageRow, seed);
        return folder;
    }

    /// <summary>
    /// Each pair followed by its swap under the same label: a cross-encoder reads "a [SEP] b" and "b [SEP] a" as two
    /// inputs, while similarity is symmetric; twice the steps per epoch.
    /// </summary>
    internal static List<TrainingExample> BothOrders(IReadOnlyList<TrainingExample> pairs) =>
        pairs.SelectMany(p => new[] { p, p with { Texts = new[] { p.Texts[1], p.Texts[0] } } }).ToList();
}
