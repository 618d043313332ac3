using System.Globalization;

namespace MLNet.SentenceEmbeddings.Cli.Embedding;

/// <summary>
/// <c>--shard i/N</c>: shard i (0-based) of N takes a contiguous run of whole read-ahead windows, so that each window
/// (hence each batch, hence each float) is the same as in a single run and the N outputs, concatenated in order, are
/// the single run's output.
/// </summary>
public readonly record struct ShardRange(int Index, int Count)
{
    public static readonly ShardRange Whole = new(0, 1);

    /// <summary>Parses "i/N" with 0 &lt;= i &lt; N.</summary>
    /// <exception cref="ArgumentException">Anything else; the message says what is expected.</exception>
    public static ShardRange Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return new ShardRange(i, n);
        throw new ArgumentException($"expected i/N with 0 <= i < N (e.g. 0/4), got '{text}'.");
    }

    /// <summary>The windows [First, End) of this shard among <paramref name="windows"/>.</summary>
    public (long First, long End) Windows(long windows) => (windows * Index / Count, windows * (Index + 1) / Count);

    /// <summary>The rows [First, End) of this shard, for <paramref name="rows"/> rows read in windows of <paramref name="window"/>.</summary>
    public (long First, long End) Rows(long rows, int window)
    {
        long windows = (rows + window - 1) / window;
        var (first, end) = Windows(windows);
        return (Math.Min(rows, first * window), Math.Min(rows, end * window));
    }

    public override string ToString() => $"{Index}/{Count}";
}
