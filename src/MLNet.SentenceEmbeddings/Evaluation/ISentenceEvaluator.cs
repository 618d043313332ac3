namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>Scores an encoder on held-out data: named metrics plus the one that model selection uses.</summary>
public interface ISentenceEvaluator
{
    /// <summary>The key of <see cref="Evaluate"/>'s result that training maximises (e.g. "spearman_cosine").</summary>
    string PrimaryMetric { get; }

    /// <summary>Runs the encoder in inference mode; correlations are in [-1, 1], accuracies in [0, 1].</summary>
    IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default);
}
