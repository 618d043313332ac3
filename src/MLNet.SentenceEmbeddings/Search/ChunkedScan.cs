namespace MLNet.SentenceEmbeddings.Search;

/// <summary>
/// The scan shared by float, int8 and binary search: tile by tile over queries and corpus, a scorer fills the tile,
/// and each query keeps its k best. A query chunk belongs to one worker, which visits the corpus in index order, so
/// results do not depend on threads or chunk sizes.
/// </summary>
internal static class ChunkedScan
{
    /// <summary>Fills <paramref name="scores"/> (queryCount x corpusCount, row-major) for one tile.</summary>
    public delegate void TileScorer(int queryStart, int queryCount, int corpusStart, int corpusCount, Span<float> scores);

    // excludeSameIndex skips corpus row i for query i (paraphrase mining: the queries are the corpus).
    public static TopK[] Run(int queryCount, int corpusCount, int k, TileScorer scorer, SearchOptions options, bool excludeSameIndex = false)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "topK must be at least 1.");
        var heaps = new TopK[queryCount];
        for (int q = 0; q < queryCount; q++) heaps[q] = new TopK(Math.Min(k, Math.Max(1, corpusCount)));
        int qChunk = options.QueryChunkSize, cChunk = options.CorpusChunkSize;
        int chunks = (queryCount + qChunk - 1) / qChunk;
        var parallel = new ParallelOptions
        {
            CancellationToken = options.CancellationToken,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
        };
        Parallel.For(0, chunks, parallel, () => new float[qChunk * Math.Min(cChunk, Math.Max(1, corpusCount))], (chunk, _, tile) =>
        {
            int q0 = chunk * qChunk, qn = Math.Min(qChunk, queryCount - q0);
            for (int c0 = 0; c0 < corpusCount; c0 += cChunk)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                int cn = Math.Min(cChunk, corpusCount - c0);
                var scores = tile.AsSpan(0, qn * cn);
                scorer(q0, qn, c0, cn, scores);
                for (int qi = 0; qi < qn; qi++)
                {
                    var heap = heaps[q0 + qi];
                    var row = scores.Slice(qi * cn, cn);
                    for (int ci = 0; ci < cn; ci++)
                    {
                        int c = c0 + ci;
                        if (excludeSameIndex && c == q0 + qi) continue;
                        if (heap.Accepts(row[ci], c)) heap.Add(row[ci], c);
                    }
                }
            }
            return tile;
        }, _ => { });
        return heaps;
    }
}
