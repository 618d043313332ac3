using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>
/// STS evaluation as in SBERT Section 4.1: Spearman (and Pearson) correlation between a similarity of the two
/// sentence embeddings and the gold score; cosine is the paper's, dot, negative Euclidean and negative Manhattan
/// distance are reported beside it. Each distinct sentence is embedded once.
/// </summary>
public sealed class EmbeddingSimilarityEvaluator : ISentenceEvaluator
{
    private readonly IReadOnlyList<SentencePair> _pairs;

    public EmbeddingSimilarityEvaluator(IReadOnlyList<SentencePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count < 2) throw new ArgumentException($"STS evaluation needs at least 2 pairs, got {pairs.Count}.", nameof(pairs));
        _pairs = pairs;
    }

    public string PrimaryMetric => "spearman_cosine";

    public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var sentences = StsBenchmarkReader.UniqueSentences(_pairs);
        var index = sentences.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var vectors = encoder.Encode(sentences, cancellationToken);
        var gold = _pairs.Select(p => p.Score).ToList();
        var metrics = new Dictionary<string, double>();
        foreach (var function in SimilarityFunctions.All)
        {
            var predicted = _pairs.Select(p => SimilarityFunctions.Score(function, vectors[index[p.Sentence1]], vectors[index[p.Sentence2]])).ToList();
            metrics["spearman_" + SimilarityFunctions.ToName(function)] = Correlation.Spearman(predicted, gold);
            metrics["pearson_" + SimilarityFunctions.ToName(function)] = Correlation.Pearson(predicted, gold);
        }
        return metrics;
    }
}
