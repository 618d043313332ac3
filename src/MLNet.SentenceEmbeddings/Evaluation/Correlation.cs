namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>Pearson and Spearman correlation, as SBERT reports STS results (Spearman of cosine vs gold, Section 4.1).</summary>
public static class Correlation
{
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Pearson correlation of the ranks; tied values share the average of their ranks (as scipy's spearmanr).</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        return Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>1-based ranks, ties averaged.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double average = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = average;
            start = end + 1;
        }
        return ranks;
    }

    private static void Check(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Series differ in length: {x.Count} vs {y.Count}.");
        if (x.Count < 2) throw new ArgumentException($"A correlation needs at least 2 pairs, got {x.Count}.");
    }
}
