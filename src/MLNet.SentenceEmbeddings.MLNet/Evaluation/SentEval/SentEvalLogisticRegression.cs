using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// The classifier SentEval fits on frozen features, in ML.NET: L-BFGS logistic regression for two classes, L-BFGS
/// maximum entropy (multinomial logistic regression) for more, L2 penalty only, the strength given as scikit-learn's C.
/// </summary>
public static class SentEvalLogisticRegression
{
    /// <summary>Name of the label column the trainers read: Boolean for two classes, a key of k values otherwise.</summary>
    public const string LabelColumn = "Label";

    /// <summary>The column ML.NET's classification scorers add (ML.NET's own DefaultColumnNames is internal).</summary>
    private const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>Name of the feature column the trainers read: a known-size vector of Single.</summary>
    public const string FeatureColumn = "Features";

    /// <summary>
    /// ML.NET's L2 weight for scikit-learn's C. scikit-learn's LogisticRegression (lbfgs) minimises
    /// 0.5·‖w‖² + C·Σᵢ loss_i. ML.NET's LbfgsTrainerBase.DifferentiableFunction minimises (Σᵢ loss_i + 0.5·λ·‖w‖²)/N: the
    /// loss is a sum over rows and the 1/N factor scales the whole objective, so it moves no minimum. Dividing
    /// scikit-learn's objective by C gives Σᵢ loss_i + 0.5·(1/C)·‖w‖², hence λ = 1/C, independent of N. Neither library
    /// penalises the bias. (SentEval's 2018 scikit-learn defaulted to liblinear, which also penalised the intercept
    /// and fitted TREC one-vs-rest; the multinomial lbfgs objective here is that of scikit-learn 0.22 and later.)
    /// </summary>
    public static float L2WeightFor(double c)
    {
        if (!(c > 0) || double.IsInfinity(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "C must be a positive finite number.");
        return (float)(1.0 / c);
    }

    /// <summary>The trainer for <paramref name="classCount"/> classes with scikit-learn strength <paramref name="c"/>.</summary>
    public static IEstimator<ITransformer> Trainer(MLContext ml, int classCount, double c, SentEvalOptions? options = null)
    {
        options ??= new SentEvalOptions();
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "At least two classes are needed.");
        if (classCount == 2)
            return ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = LabelColumn, FeatureColumnName = FeatureColumn,
                L1Regularization = 0, // ML.NET's default is 1: SentEval's model is L2-only
                L2Regularization = L2WeightFor(c),
                OptimizationTolerance = options.OptimizationTolerance,
                NumberOfThreads = options.Threads,
            });
        return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = LabelColumn, FeatureColumnName = FeatureColumn,
            L1Regularization = 0,
            L2Regularization = L2WeightFor(c),
            OptimizationTolerance = options.OptimizationTolerance,
            NumberOfThreads = options.Threads,
        });
    }

    /// <summary>Predicted 0-based class of every row of <paramref name="scored"/> (the output of a fitted model's Transform).</summary>
    public static int[] PredictedClasses(IDataView scored, int classCount)
    {
        if (classCount == 2)
            return scored.GetColumn<bool>(PredictedLabelColumn).Select(b => b ? 1 : 0).ToArray();
        // Read from an IDataView, key values are 1-based (0 means missing): key k is class k-1.
        return scored.GetColumn<uint>(PredictedLabelColumn).Select(k => (int)k - 1).ToArray();
    }

    /// <summary>Fits one model per C on <paramref name="train"/> and returns the predicted classes of <paramref name="test"/> for each.</summary>
    public static int[][] FitPredict(MLContext ml, IDataView train, IDataView test, int classCount, IReadOnlyList<double> cGrid, SentEvalOptions options)
    {
        var result = new int[cGrid.Count][];
        for (int i = 0; i < cGrid.Count; i++)
        {
            var model = Trainer(ml, classCount, cGrid[i], options).Fit(train);
            result[i] = PredictedClasses(model.Transform(test), classCount);
            (model as IDisposable)?.Dispose();
        }
        return result;
    }
}
