namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>
/// The ranking metrics of sentence-transformers' InformationRetrievalEvaluator, for one query with binary relevance:
/// <c>ranked</c> is the retrieved corpus rows best first, <c>relevant</c> the rows that count.
/// Each looks at the first k retrieved rows only.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>1 when a relevant row is among the first k, else 0.</summary>
    public static double Accuracy(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k) =>
        Hits(ranked, relevant, k) > 0 ? 1 : 0;

    /// <summary>Relevant rows among the first k, divided by k.</summary>
    public static double Precision(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k) => (double)Hits(ranked, relevant, k) / Check(k);

    /// <summary>Relevant rows among the first k, divided by the number of relevant rows.</summary>
    public static double Recall(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k) => (double)Hits(ranked, relevant, k) / NonEmpty(relevant).Count;

    /// <summary>1 / rank of the first relevant row among the first k (ranks from 1), 0 when there is none.</summary>
    public static double ReciprocalRank(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        for (int i = 0; i < Math.Min(Check(k), ranked.Count); i++)
            if (relevant.Contains(ranked[i])) return 1.0 / (i + 1);
        return 0;
    }

    /// <summary>
    /// DCG / ideal DCG at k with gain 1 per relevant row: DCG = Σ_{i &lt; k, ranked[i] relevant} 1 / log2(i + 2) (i from 0),
    /// ideal DCG the same sum over the first min(|relevant|, k) positions.
    /// </summary>
    public static double Ndcg(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        double dcg = 0, ideal = 0;
        for (int i = 0; i < Math.Min(Check(k), ranked.Count); i++)
            if (relevant.Contains(ranked[i])) dcg += 1 / Math.Log2(i + 2);
        for (int i = 0; i < Math.Min(NonEmpty(relevant).Count, k); i++) ideal += 1 / Math.Log2(i + 2);
        return dcg / ideal;
    }

    /// <summary>
    /// Average precision at k as sentence-transformers computes it: the precision at the rank of each relevant row
    /// among the first k, summed, divided by min(k, |relevant|).
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        double sum = 0;
        int hits = 0;
        for (int i = 0; i < Math.Min(Check(k), ranked.Count); i++)
        {
            if (!relevant.Contains(ranked[i])) continue;
            hits++;
            sum += (double)hits / (i + 1);
        }
        return sum / Math.Min(k, NonEmpty(relevant).Count);
    }

    private static int Hits(IReadOnlyList<int> ranked, IReadOnlySet<int> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        int n = 0;
        for (int i = 0; i < Math.Min(Check(k), ranked.Count); i++) if (relevant.Contains(ranked[i])) n++;
        return n;
    }

    private static int Check(int k) => k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");

    private static IReadOnlySet<int> NonEmpty(IReadOnlySet<int> relevant) =>
        relevant.Count > 0 ? relevant : throw new ArgumentException("A query needs at least one relevant row.", nameof(relevant));
}
