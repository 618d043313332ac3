using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>STS evaluation of a one-label cross-encoder: Spearman and Pearson between its scores and the gold scores (SBERT Table 2).</summary>
public sealed class CrossEncoderCorrelationEvaluator : ICrossEncoderEvaluator
{
    private readonly IReadOnlyList<SentencePair> _pairs;

    public CrossEncoderCorrelationEvaluator(IReadOnlyList<SentencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count < 2) throw new ArgumentException($"STS evaluation needs at least 2 pairs, got {pairs.Count}.", nameof(pairs));
        _pairs = pairs;
    }

    public string PrimaryMetric => "spearman";

    public IReadOnlyDictionary<string, double> Evaluate(CrossEncoder model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var predicted = model.Predict(_pairs.Select(p => ((string?)p.Sentence1, (string?)p.Sentence2)).ToList(), cancellationToken).Select(x => (double)x).ToList();
        var gold = _pairs.Select(p => p.Score).ToList();
        return new Dictionary<string, double> { ["spearman"] = Correlation.Spearman(predicted, gold), ["pearson"] = Correlation.Pearson(predicted, gold) };
    }
}
