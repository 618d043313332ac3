using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>Spearman and Pearson correlation (in [-1, 1]) of predicted similarities with gold scores over n pairs.</summary>
public sealed record StsCorrelation(double Spearman, double Pearson, int N)
{
    public static StsCorrelation Of(IReadOnlyList<double> predicted, IReadOnlyList<double> gold) =>
        new(Correlation.Spearman(predicted, gold), Correlation.Pearson(predicted, gold), predicted.Count);
}

/// <summary>
/// An STS result in the SBERT paper's protocol: <see cref="All"/> is one correlation over the pairs of every sub-set
/// concatenated ("ALL"); <see cref="Subsets"/> has each sub-set's own and <see cref="MeanSpearman"/> their unweighted mean
/// (SentEval's "mean"), which the paper does not use (its note under Table 1).
/// </summary>
public sealed record StsResult(StsCorrelation All, IReadOnlyDictionary<string, StsCorrelation> Subsets, double MeanSpearman, double MeanPearson);

/// <summary>
/// STS evaluation over one or more named sub-sets (a SemEval STS year, or a single STSb / SICK-R file as one sub-set):
/// each distinct sentence is embedded once, the pair's similarity is compared with its gold score (SBERT Section 4.1).
/// </summary>
public sealed class StsSubsetsEvaluator : ISentenceEvaluator
{
    private readonly IReadOnlyList<StsSubset> _subsets;

    public StsSubsetsEvaluator(IReadOnlyList<StsSubset> subsets, SimilarityFunction similarity = SimilarityFunction.Cosine)
    {
        ArgumentNullException.ThrowIfNull(subsets);
        if (subsets.Count == 0) throw new ArgumentException("STS evaluation needs at least one sub-set.", nameof(subsets));
        foreach (var s in subsets)
            if (s.Pairs.Count < 2) throw new ArgumentException($"Sub-set '{s.Name}' has {s.Pairs.Count} scored pair(s); a correlation needs at least 2.", nameof(subsets));
        if (subsets.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != subsets.Count)
            throw new ArgumentException("Sub-set names must be distinct.", nameof(subsets));
        _subsets = subsets;
        Similarity = similarity;
    }

    public SimilarityFunction Similarity { get; }

    public string PrimaryMetric => "spearman_all";

    public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var r = Evaluate(s => encoder.Encode(s, cancellationToken));
        var metrics = new Dictionary<string, double>
        {
            ["spearman_all"] = r.All.Spearman, ["pearson_all"] = r.All.Pearson, ["spearman_mean"] = r.MeanSpearman, ["pearson_mean"] = r.MeanPearson,
        };
        foreach (var (name, c) in r.Subsets) metrics["spearman_" + name] = c.Spearman;
        return metrics;
    }

    /// <summary>Evaluates any embedding function (this library's encoder, or a reference such as ONNX Runtime).</summary>
    /// <param name="embed">Maps sentences to vectors, row i for sentence i.</param>
    public StsResult Evaluate(Func<IReadOnlyList<string?>, float[][]> embed)
    {
        ArgumentNullException.ThrowIfNull(embed);
        var sentences = StsBenchmarkReader.UniqueSentences(_subsets.SelectMany(s => s.Pairs));
        var index = sentences.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
        var vectors = embed(sentences);
        if (vectors.Length != sentences.Count) throw new InvalidOperationException($"The embedding function returned {vectors.Length} vectors for {sentences.Count} sentences.");
        return Aggregate(_subsets.Select(s => (s.Name,
            (IReadOnlyList<double>)s.Pairs.Select(p => SimilarityFunctions.Score(Similarity, vectors[index[p.Sentence1]], vectors[index[p.Sentence2]])).ToList(),
            (IReadOnlyList<double>)s.Pairs.Select(p => p.Score).ToList())).ToList());
    }

    /// <summary>The ALL correlation over the concatenated sub-sets, each sub-set's own, and their mean.</summary>
    public static StsResult Aggregate(IReadOnlyList<(string Name, IReadOnlyList<double> Predicted, IReadOnlyList<double> Gold)> subsets)
    {
        ArgumentNullException.ThrowIfNull(subsets);
        if (subsets.Count == 0) throw new ArgumentException("No sub-sets to aggregate.", nameof(subsets));
        var each = new Dictionary<string, StsCorrelation>(StringComparer.Ordinal);
        foreach (var (name, predicted, gold) in subsets) each.Add(name, StsCorrelation.Of(predicted, gold));
        var all = StsCorrelation.Of(subsets.SelectMany(s => s.Predicted).ToList(), subsets.SelectMany(s => s.Gold).ToList());
        return new StsResult(all, each, each.Values.Average(c => c.Spearman), each.Values.Average(c => c.Pearson));
    }
}
