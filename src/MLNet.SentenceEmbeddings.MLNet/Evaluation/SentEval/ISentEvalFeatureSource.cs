using Microsoft.ML;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Where a SentEval run gets its features: a sentence encoder, two concatenated, token-embedding averages,
/// ML.NET's FeaturizeText. <see cref="Prepare"/> does the per-task work once (embedding every sentence of the task);
/// the returned classifier is then fitted once per fold and C.
/// </summary>
public interface ISentEvalFeatureSource : IDisposable
{
    /// <summary>A short label for reports ("all-MiniLM-L6-v2 MEAN", "FeaturizeText").</summary>
    string Name { get; }

    /// <summary>Computes what the task needs once and returns a classifier over the rows of <see cref="SentEvalTaskData.All"/>.</summary>
    ISentEvalClassifier Prepare(MLContext ml, SentEvalTaskData task, SentEvalOptions options);
}

/// <summary>Fits the logistic regression on some rows of a task and predicts others; rows index <see cref="SentEvalTaskData.All"/>.</summary>
public interface ISentEvalClassifier
{
    /// <summary>Predicted class of each of <paramref name="testRows"/>, one array per C of <paramref name="cGrid"/>.</summary>
    int[][] FitPredict(IReadOnlyList<int> trainRows, IReadOnlyList<int> testRows, IReadOnlyList<double> cGrid);
}
