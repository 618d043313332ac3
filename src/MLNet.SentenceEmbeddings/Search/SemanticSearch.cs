using System.Numerics.Tensors;

namespace MLNet.SentenceEmbeddings.Search;

/// <summary>
/// Exact top-k semantic search: each query against every corpus vector by cosine similarity (or dot product on
/// unit vectors), the bi-encoder's cheap half (SBERT Section 1: the most similar pair of 10,000 sentences in
/// seconds). Ties rank the lower corpus index first. For approximate, smaller indexes see <see cref="QuantizedIndex"/>.
/// </summary>
/// <example>
/// <code>
/// using var encoder = SentenceEncoder.Load("default");
/// var corpus = EmbeddingMatrix.Encode(encoder, documents);
/// var queries = EmbeddingMatrix.Encode(encoder, new[] { "How do I learn C#?" });
/// SearchHit[] best = SemanticSearch.Search(queries, corpus, topK: 5)[0];   // best[0].CorpusIndex, best[0].Score
/// </code>
/// </example>
public static class SemanticSearch
{
    /// <summary>The k most similar corpus rows for every query, best first.</summary>
    /// <param name="queries">(q, d) query vectors.</param>
    /// <param name="corpus">(n, d) corpus vectors.</param>
    /// <param name="topK">Hits per query (fewer when the corpus is smaller).</param>
    /// <param name="options">Similarity, chunk sizes, threads, cancellation.</param>
    /// <returns>One array per query, sorted by score descending, then corpus index ascending.</returns>
    public static SearchHit[][] Search(EmbeddingMatrix queries, EmbeddingMatrix corpus, int topK = 10, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(corpus);
        corpus.CheckSameDimension(queries, nameof(queries));
        options = (options ?? new SearchOptions()).Validate();
        var heaps = ChunkedScan.Run(queries.Rows, corpus.Rows, topK, FloatScorer(queries, corpus, options.Similarity), options);
        return heaps.Select(h => h.ToSortedArray()).ToArray();
    }

    /// <summary>Scores a tile with one SIMD dot product per (query, corpus) pair, scaled by the inverse norms for cosine.</summary>
    internal static ChunkedScan.TileScorer FloatScorer(EmbeddingMatrix queries, EmbeddingMatrix corpus, SimilarityFunction similarity)
    {
        float[]? qInv = similarity == SimilarityFunction.Cosine ? queries.InverseNorms() : null;
        float[]? cInv = similarity == SimilarityFunction.Cosine ? (ReferenceEquals(queries, corpus) ? qInv : corpus.InverseNorms()) : null;
        return (q0, qn, c0, cn, scores) =>
        {
            for (int qi = 0; qi < qn; qi++)
            {
                var query = queries.Row(q0 + qi);
                var row = scores.Slice(qi * cn, cn);
                for (int ci = 0; ci < cn; ci++) row[ci] = TensorPrimitives.Dot(query, corpus.Row(c0 + ci));
                if (qInv is null) continue;
                TensorPrimitives.Multiply(row, cInv.AsSpan(c0, cn), row);
                TensorPrimitives.Multiply(row, qInv[q0 + qi], row);
            }
        };
    }

    /// <summary>Exact cosine (or dot) of one query row against one corpus row, as <see cref="Search"/> scores it.</summary>
    internal static float Score(ReadOnlySpan<float> query, ReadOnlySpan<float> row, SimilarityFunction similarity) =>
        similarity == SimilarityFunction.Dot ? TensorPrimitives.Dot(query, row) : TensorPrimitives.CosineSimilarity(query, row);
}
