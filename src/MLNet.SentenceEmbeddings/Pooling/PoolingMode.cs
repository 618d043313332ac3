namespace MLNet.SentenceEmbeddings.Pooling;

/// <summary>
/// How token vectors become one sentence vector (SBERT paper Section 3: MEAN is the default; CLS and MAX are the
/// alternatives compared in Table 6). Flags combine: several modes are concatenated in the order CLS, MAX, MEAN,
/// MEAN-SQRT-LEN, WEIGHTED-MEAN, LAST-TOKEN, as sentence-transformers does.
/// </summary>
[Flags]
public enum PoolingMode
{
    /// <summary>The first token's ([CLS]) vector.</summary>
    Cls = 1,
    /// <summary>Element-wise maximum over real (non-padding) tokens.</summary>
    Max = 2,
    /// <summary>Average over real (non-padding) tokens.</summary>
    Mean = 4,
    /// <summary>Sum over real tokens divided by the square root of their count.</summary>
    MeanSqrtLen = 8,
    /// <summary>Average over real tokens weighted by position 1..T (later tokens weigh more; SGPT's pooling).</summary>
    WeightedMean = 16,
    /// <summary>The last real token's vector (decoder-style embedding models).</summary>
    LastToken = 32,
}

/// <summary>Parsing and printing of pooling modes in the names sentence-transformers uses.</summary>
public static class PoolingModes
{
    private static readonly (PoolingMode Mode, string Name)[] Names =
    {
        (PoolingMode.Cls, "cls"), (PoolingMode.Max, "max"), (PoolingMode.Mean, "mean"), (PoolingMode.MeanSqrtLen, "mean_sqrt_len_tokens"),
        (PoolingMode.WeightedMean, "weightedmean"), (PoolingMode.LastToken, "lasttoken"),
    };

    /// <summary>The single modes in <paramref name="mode"/>, in concatenation order.</summary>
    public static IEnumerable<PoolingMode> Parts(PoolingMode mode) => Names.Select(n => n.Mode).Where(m => mode.HasFlag(m));

    public static string ToName(PoolingMode mode) => string.Join("+", Parts(mode).Select(m => Names.First(n => n.Mode == m).Name));

    /// <summary>Parses "mean", "cls", "max", "mean_sqrt_len_tokens" (also "mean-sqrt-len", "meansqrtlen"), "weightedmean", "lasttoken" joined by '+' or ','.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the accepted ones.</exception>
    public static PoolingMode Parse(string text, string parameterName = "pooling")
    {
        PoolingMode result = 0;
        foreach (var raw in text.Split('+', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string key = raw.ToLowerInvariant().Replace('-', '_');
            result |= key switch
            {
                "cls" or "cls_token" => PoolingMode.Cls,
                "max" or "max_tokens" => PoolingMode.Max,
                "mean" or "mean_tokens" => PoolingMode.Mean,
                "mean_sqrt_len" or "mean_sqrt_len_tokens" or "meansqrtlen" => PoolingMode.MeanSqrtLen,
                "weightedmean" or "weightedmean_tokens" or "weighted_mean" => PoolingMode.WeightedMean,
                "lasttoken" or "last_token" => PoolingMode.LastToken,
                _ => throw new ArgumentException($"Unknown pooling mode '{raw}'; expected cls, max, mean, mean_sqrt_len_tokens, weightedmean or lasttoken (joined by '+').", parameterName),
            };
        }
        if (result == 0) throw new ArgumentException("No pooling mode given; expected cls, max, mean or mean_sqrt_len_tokens.", parameterName);
        return result;
    }
}
