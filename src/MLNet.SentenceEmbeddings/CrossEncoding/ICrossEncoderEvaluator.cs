namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>Scores a cross-encoder on held-out pairs: named metrics plus the one model selection maximises.</summary>
public interface ICrossEncoderEvaluator
{
    string PrimaryMetric { get; }

    /// <summary>Runs the model in inference mode; correlations in [-1, 1], accuracies in [0, 1].</summary>
    IReadOnlyDictionary<string, double> Evaluate(CrossEncoder model, CancellationToken cancellationToken = default);
}
