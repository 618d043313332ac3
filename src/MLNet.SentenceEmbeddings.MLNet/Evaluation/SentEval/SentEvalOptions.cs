namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Settings of <see cref="SentEvalRunner"/>. The defaults are SentEval's protocol with its scikit-learn
/// logistic regression (senteval/tools/validation.py, usepytorch=False, kfold=10 as in SentEval's README and the
/// SBERT paper's "10-fold cross-validation"), so figures are comparable with the paper's Table 5.
/// </summary>
public sealed class SentEvalOptions
{
    /// <summary>SentEval's C grids: InnerKFoldClassifier and SplitClassifier try 2^-2..2^3, KFoldClassifier 2^-1..2^5.</summary>
    public static class Grids
    {
        public static readonly IReadOnlyList<double> CrossValidation = PowersOfTwo(-2, 3);
        public static readonly IReadOnlyList<double> TrainTest = PowersOfTwo(-1, 5);
        public static readonly IReadOnlyList<double> TrainDevTest = PowersOfTwo(-2, 3);

        /// <summary>2^from, 2^(from+step), ..., up to 2^to.</summary>
        public static double[] PowersOfTwo(int from, int to, int step = 1)
        {
            var list = new List<double>();
            for (int t = from; t <= to; t += step) list.Add(Math.Pow(2, t));
            return list.ToArray();
        }
    }

    /// <summary>SentEval's seed (params.seed default) for the stratified folds.</summary>
    public const int DefaultSeed = 1111;

    /// <summary>Folds of the outer CV (MR, CR, SUBJ, MPQA), of the inner CV that chooses C, and of the CV on train (TREC, MRPC).</summary>
    public int KFold { get; set; } = 10;

    public int Seed { get; set; } = DefaultSeed;

    /// <summary>Replaces every protocol's C grid (for experiments beyond SentEval's grids); null keeps SentEval's.</summary>
    public IReadOnlyList<double>? CGrid { get; set; }

    /// <summary>Smoke runs: 3 folds and every other C of SentEval's grids. Not the protocol; never report these figures.</summary>
    public bool Quick { get; set; }

    /// <summary>
    /// L-BFGS stop: mean relative improvement of the objective over 5 iterations (ML.NET's criterion). ML.NET's
    /// default is 1e-7; 1e-5 keeps the ~600 fits of a cross-validated task affordable on a small CPU. scikit-learn's
    /// lbfgs, which SentEval calls, stops earlier still (gradient tolerance 1e-4, at most 100 iterations).
    /// </summary>
    public float OptimizationTolerance { get; set; } = 1e-5f;

    /// <summary>L-BFGS threads (null: ML.NET's default, one per core).</summary>
    public int? Threads { get; set; }

    /// <summary>One line per task and per choice of C; null for silence.</summary>
    public Action<string>? Log { get; set; }

    internal int Folds => Quick ? 3 : KFold;

    internal IReadOnlyList<double> GridFor(Data.SentEval.SentEvalProtocol protocol)
    {
        if (CGrid is { Count: > 0 } custom) return custom;
        var grid = protocol switch
        {
            Data.SentEval.SentEvalProtocol.CrossValidation => Grids.CrossValidation,
            Data.SentEval.SentEvalProtocol.TrainTest => Grids.TrainTest,
            _ => Grids.TrainDevTest,
        };
        return Quick ? grid.Where((_, i) => i % 2 == 0).ToArray() : grid;
    }

    internal void Validate()
    {
        if (KFold < 2) throw new ArgumentOutOfRangeException(nameof(KFold), KFold, "KFold must be at least 2.");
        if (CGrid is not null && CGrid.Any(c => !(c > 0) || double.IsInfinity(c)))
            throw new ArgumentOutOfRangeException(nameof(CGrid), "Every C must be a positive finite number.");
        if (!(OptimizationTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(OptimizationTolerance), OptimizationTolerance, "Must be positive.");
    }
}
