using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// STS evaluation of a one-label cross-encoder: Spearman and Pearson between its scores and the gold scores (SBERT
/// Table 2); with <c>symmetric</c>, each pair's score is <see cref="CrossEncoder.PredictSymmetric"/>, the mean over
/// both orders.
/// </summary>
public sealed class CrossEncoderCorrelationEvaluator : ICrossEncoderEvaluator
{
    private readonly IReadOnlyList<SentencePair> _pairs;
    private readonly bool _symmetric;

    public CrossEncoderCorrelationEvaluator(IReadOnlyList<SentencePair> pairs, bool symmetric = false)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count < 2) throw new ArgumentException($"STS evaluation needs at least 2 pairs, got {pairs.Count}.", nameof(pairs));
        _pairs = pairs;
        _symmetric = symmetric;
    }

    public string PrimaryMetric => "spearman";

    public IReadOnlyDictionary<string, double> Evaluate(CrossEncoder model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pairs = _pairs.Select(p => ((string?)p.Sentence1, (string?)p.Sentence2)).ToList();
        var predicted = (_symmetric ? model.PredictSymmetric(pairs, cancellationToken) : model.Predict(pairs, cancellationToken)).Select(x => (double)x).ToList();
        var gold = _pairs.Select(p => p.Score).ToList();
        return new Dictionary<string, double> { ["spearman"] = Correlation.Spearman(predicted, gold), ["pearson"] = Correlation.Pearson(predicted, gold) };
    }
}
