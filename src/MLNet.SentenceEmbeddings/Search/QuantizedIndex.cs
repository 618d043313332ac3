using System.Numerics.Tensors;

namespace MLNet.SentenceEmbeddings.Search;

/// <summary>How a <see cref="QuantizedIndex"/> stores the corpus.</summary>
public enum Quantization
{
    /// <summary>int8 codes (4x smaller than float32), integer dot products.</summary>
    Int8,
    /// <summary>Sign bits (32x smaller), Hamming distance by popcount.</summary>
    Binary,
}

/// <summary>
/// Approximate search over a quantized corpus: the quantized scores pick <c>topK x rescoreMultiplier</c> candidates,
/// which are then rescored with float vectors (the kept float corpus, else the dequantized rows) and cut to topK.
/// Compare with <see cref="SemanticSearch"/> to measure the recall a quantization costs (sbert bench efficiency).
/// Vectors are compared by cosine: rows are unit-normalised before quantization.
/// </summary>
/// <example>
/// <code>
/// var index = QuantizedIndex.Build(corpus, Quantization.Binary);
/// SearchHit[][] hits = index.Search(queries, topK: 10);   // rescored with corpus's float vectors
/// </code>
/// </example>
public sealed class QuantizedIndex
{
    /// <summary>Candidates per wanted hit that rescoring looks at; more costs time and recovers recall.</summary>
    public const int DefaultRescoreMultiplier = 4;

    private readonly Int8Codes? _int8;
    private readonly BinaryCodes? _binary;
    private readonly EmbeddingMatrix? _float;

    private QuantizedIndex(Quantization kind, Int8Codes? int8, BinaryCodes? binary, EmbeddingMatrix? floatCorpus, int rows, int dimension)
    {
        Kind = kind;
        _int8 = int8;
        _binary = binary;
        _float = floatCorpus;
        Rows = rows;
        Dimension = dimension;
    }

    /// <summary>Quantizes <paramref name="corpus"/>.</summary>
    /// <param name="corpus">(n, d) float vectors.</param>
    /// <param name="kind">int8 or binary codes.</param>
    /// <param name="scale">int8 only: per-dimension or one global scale.</param>
    /// <param name="keepFloatCorpus">Keep a reference to <paramref name="corpus"/> to rescore with exact cosine (not a copy);
    /// false rescores with the dequantized codes and lets the float vectors go.</param>
    public static QuantizedIndex Build(EmbeddingMatrix corpus, Quantization kind, Int8Scale scale = Int8Scale.PerDimension, bool keepFloatCorpus = true)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        return kind switch
        {
            Quantization.Int8 => new(kind, Int8Codes.Quantize(corpus, scale), null, keepFloatCorpus ? corpus : null, corpus.Rows, corpus.Dimension),
            Quantization.Binary => new(kind, null, BinaryCodes.Quantize(corpus), keepFloatCorpus ? corpus : null, corpus.Rows, corpus.Dimension),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown quantization."),
        };
    }

    public Quantization Kind { get; }
    public int Rows { get; }
    public int Dimension { get; }

    /// <summary>Memory of the codes (and int8 scales), not counting a kept float corpus.</summary>
    public long CodeBytes => _int8?.Bytes ?? _binary!.Bytes;

    /// <summary>The k best corpus rows per query.</summary>
    /// <param name="queries">(q, d) float query vectors (not quantized by the caller).</param>
    /// <param name="topK">Hits per query.</param>
    /// <param name="rescoreMultiplier">Candidates kept per hit for float rescoring; 0 returns the quantized ranking
    /// with approximate scores (int8: dequantized dot; binary: 1 - 2 x Hamming / d, the cosine of the angle it estimates).</param>
    /// <param name="options">Chunk sizes, threads, cancellation (Similarity is always cosine here).</param>
    /// <returns>One array per query, best first, ties to the lower index.</returns>
    public SearchHit[][] Search(EmbeddingMatrix queries, int topK = 10, int rescoreMultiplier = DefaultRescoreMultiplier, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Dimension != Dimension)
            throw new ArgumentException($"queries have {queries.Dimension}-dimensional vectors, the index {Dimension}.", nameof(queries));
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be at least 1.");
        if (rescoreMultiplier < 0) throw new ArgumentOutOfRangeException(nameof(rescoreMultiplier), rescoreMultiplier, "rescoreMultiplier must be 0 or more.");
        options = (options ?? new SearchOptions()).Validate();
        int candidates = rescoreMultiplier == 0 ? topK : checked(topK * rescoreMultiplier);
        var heaps = ChunkedScan.Run(queries.Rows, Rows, candidates, Scorer(queries), options);
        var result = new SearchHit[queries.Rows][];
        Parallel.For(0, queries.Rows, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount }, q =>
        {
            var hits = heaps[q].ToSortedArray();
            result[q] = rescoreMultiplier == 0 ? hits.Select(h => h with { Score = Approximate(h.Score) }).ToArray() : Rescore(queries.Row(q), hits, topK);
        });
        return result;
    }

    private ChunkedScan.TileScorer Scorer(EmbeddingMatrix queries)
    {
        if (_int8 is { } int8)
        {
            var codes = Enumerable.Range(0, queries.Rows).Select(q => int8.QuantizeQuery(queries.Row(q))).ToArray();
            return (q0, qn, c0, cn, scores) =>
            {
                for (int qi = 0; qi < qn; qi++)
                    for (int ci = 0; ci < cn; ci++) scores[qi * cn + ci] = Int8Codes.Dot(codes[q0 + qi], int8.Row(c0 + ci));
            };
        }
        var binary = _binary!;
        var bits = new ulong[queries.Rows * binary.Words];
        for (int q = 0; q < queries.Rows; q++) BinaryCodes.Pack(queries.Row(q), bits.AsSpan(q * binary.Words, binary.Words));
        return (q0, qn, c0, cn, scores) =>
        {
            for (int qi = 0; qi < qn; qi++)
            {
                var query = bits.AsSpan((q0 + qi) * binary.Words, binary.Words);
                for (int ci = 0; ci < cn; ci++) scores[qi * cn + ci] = -BinaryCodes.Hamming(query, binary.Row(c0 + ci));
            }
        };
    }

    // The scan's raw scores: int8 integer dot products (query scale unknown here, so only the ranking is meaningful)
    // and minus the Hamming distance, mapped to a cosine estimate.
    private float Approximate(float raw) => _binary is null ? raw : 1f + 2f * raw / Dimension;

    private SearchHit[] Rescore(ReadOnlySpan<float> query, SearchHit[] candidates, int topK)
    {
        var row = new float[Dimension];
        var rescored = new SearchHit[candidates.Length];
        for (int i = 0; i < candidates.Length; i++)
        {
            int c = candidates[i].CorpusIndex;
            ReadOnlySpan<float> vector;
            if (_float is not null) vector = _float.Row(c);
            else
            {
                if (_int8 is not null) _int8.Dequantize(c, row); else _binary!.Unpack(c, row);
                vector = row;
            }
            rescored[i] = new SearchHit(c, TensorPrimitives.CosineSimilarity(query, vector));
        }
        Array.Sort(rescored, SearchHit.Compare);
        return rescored.Length > topK ? rescored[..topK] : rescored;
    }
}
