namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// Smart batching: order inputs by token length (longest first) and cut the order into batches, so that each batch
/// pads to a similar length. Roughly doubles throughput on real text (SBERT paper Section 7). The indices refer to
/// the original order, which callers restore when writing results.
/// </summary>
public static class LengthSortedBatches
{
    /// <summary>Batches of original indices; <paramref name="sorted"/> false keeps the input order (the ablation).</summary>
    public static IEnumerable<int[]> Create(IReadOnlyList<TokenizedInput> inputs, int batchSize, bool sorted = true)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be at least 1.");
        var order = Enumerable.Range(0, inputs.Count);
        // Stable sort (OrderByDescending is stable): equal lengths keep their input order, so runs are reproducible.
        if (sorted) order = order.OrderByDescending(i => inputs[i].Length);
        return order.Chunk(batchSize);
    }
}
