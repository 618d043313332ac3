namespace MLNet.SentenceEmbeddings.Search;

/// <summary>How vectors are compared.</summary>
public enum SimilarityFunction
{
    /// <summary>Cosine similarity (SBERT Section 3's choice); the vectors need not be normalised.</summary>
    Cosine,
    /// <summary>Plain dot product: equals cosine, and saves the norms, when the vectors are already unit length.</summary>
    Dot,
}

/// <summary>
/// Knobs of <see cref="SemanticSearch"/> and <see cref="ParaphraseMining"/>. The scan never builds the full
/// queries x corpus score matrix: it scores one tile of <see cref="QueryChunkSize"/> x <see cref="CorpusChunkSize"/>
/// per worker and keeps k hits per query, so memory is O(queries x k) beyond the inputs, for any corpus size.
/// </summary>
public sealed class SearchOptions
{
    /// <summary>Queries per tile; each worker thread handles whole query chunks.</summary>
    public const int DefaultQueryChunkSize = 32;
    /// <summary>Corpus rows per tile: 512 x 384 floats = 768 KB, about one L2 cache, reused by every query of the chunk.</summary>
    public const int DefaultCorpusChunkSize = 512;

    public SimilarityFunction Similarity { get; set; } = SimilarityFunction.Cosine;
    public int QueryChunkSize { get; set; } = DefaultQueryChunkSize;
    public int CorpusChunkSize { get; set; } = DefaultCorpusChunkSize;
    /// <summary>Worker threads; null uses all cores. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; set; }
    public CancellationToken CancellationToken { get; set; }

    internal SearchOptions Validate()
    {
        if (QueryChunkSize < 1) throw new ArgumentOutOfRangeException(nameof(QueryChunkSize), QueryChunkSize, "QueryChunkSize must be at least 1.");
        if (CorpusChunkSize < 1) throw new ArgumentOutOfRangeException(nameof(CorpusChunkSize), CorpusChunkSize, "CorpusChunkSize must be at least 1.");
        if (MaxDegreeOfParallelism is < 1) throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1.");
        return this;
    }
}
