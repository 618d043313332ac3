namespace MLNet.SentenceEmbeddings.Search;

/// <summary>
/// Paraphrase mining: the most similar pairs among n sentences, by comparing every sentence with every other one
/// (chunked, as <see cref="SemanticSearch"/>) and keeping the <c>topK</c> best partners of each. With topK = 1 the first
/// pair is the paper's "most similar pair among 10,000 sentences" (SBERT Section 1).
/// </summary>
public static class ParaphraseMining
{
    /// <summary>sentence-transformers' paraphrase_mining default: 100 partners kept per sentence.</summary>
    public const int DefaultTopK = 100;

    /// <summary>Pairs (i &lt; j) among the rows of <paramref name="embeddings"/>, best first.</summary>
    /// <param name="embeddings">(n, d) sentence vectors.</param>
    /// <param name="topK">Partners kept per sentence; a pair is returned once even when both sides keep it.</param>
    /// <param name="maxPairs">Keep at most this many pairs (null: all).</param>
    /// <param name="options">Similarity, chunk sizes, threads, cancellation.</param>
    /// <returns>Sorted by score descending, then (First, Second) ascending.</returns>
    public static List<ScoredPair> Mine(EmbeddingMatrix embeddings, int topK = DefaultTopK, int? maxPairs = null, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (maxPairs is < 1) throw new ArgumentOutOfRangeException(nameof(maxPairs), maxPairs, "maxPairs must be at least 1.");
        options = (options ?? new SearchOptions()).Validate();
        if (embeddings.Rows < 2) return new List<ScoredPair>();
        var heaps = ChunkedScan.Run(embeddings.Rows, embeddings.Rows, topK,
            SemanticSearch.FloatScorer(embeddings, embeddings, options.Similarity), options, excludeSameIndex: true);
        var pairs = new Dictionary<(int, int), float>();
        for (int i = 0; i < heaps.Length; i++)
        {
            foreach (var hit in heaps[i].ToSortedArray())
            {
                var key = i < hit.CorpusIndex ? (i, hit.CorpusIndex) : (hit.CorpusIndex, i);
                // Both directions are the same dot product; keep the first seen so results do not depend on order.
                pairs.TryAdd(key, hit.Score);
            }
        }
        var result = pairs.Select(p => new ScoredPair(p.Key.Item1, p.Key.Item2, p.Value)).ToList();
        result.Sort((a, b) =>
        {
            int c = b.Score.CompareTo(a.Score);
            if (c != 0) return c;
            c = a.First.CompareTo(b.First);
            return c != 0 ? c : a.Second.CompareTo(b.Second);
        });
        if (maxPairs is int max && result.Count > max) result.RemoveRange(max, result.Count - max);
        return result;
    }
}
