using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// Unlabelled sentence pairs drawn from a pool of sentences, and their labels from a teacher: the "silver" data of
/// Augmented SBERT (Thakur et al., NAACL 2021), where a cross-encoder labels new pairs of in-domain sentences for a
/// bi-encoder. Random pairs of a corpus are nearly all dissimilar, so most pairs are drawn by semantic search
/// sampling (their Section 3: each sentence with its nearest others under a bi-encoder) and a few at random.
/// </summary>
/// <example>
/// <code>
/// var pairs = SilverPairs.Sample(biEncoder, sentences, neighbours: 2, randomPerSentence: 1, exclude: goldPairs);
/// var silver = SilverPairs.Label(pairs, crossEncoder.Predict);    // score in [0, 1] per pair
/// </code>
/// </example>
public static class SilverPairs
{
    /// <summary>
    /// Each distinct sentence of <paramref name="sentences"/> with its <paramref name="neighbours"/> most similar
    /// others (cosine of <paramref name="encoder"/>'s vectors) and <paramref name="randomPerSentence"/> others drawn
    /// at random; each unordered pair once, never a sentence with itself, never a pair of <paramref name="exclude"/>
    /// in either order: pass the gold pairs, whose labels the silver set must not replace, and the dev and test pairs,
    /// since benchmarks repeat sentences across splits and a pair of two training sentences can be a test pair.
    /// </summary>
    /// <returns>Pairs in sampling order (sentence by sentence, neighbours first); deterministic for a seed.</returns>
    public static List<(string First, string Second)> Sample(SentenceEncoder encoder, IReadOnlyList<string> sentences, int neighbours = 3,
        int randomPerSentence = 1, int seed = 42, IEnumerable<(string First, string Second)>? exclude = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(sentences);
        ArgumentOutOfRangeException.ThrowIfNegative(neighbours);
        ArgumentOutOfRangeException.ThrowIfNegative(randomPerSentence);
        if (neighbours + randomPerSentence == 0)
            throw new ArgumentException("neighbours and randomPerSentence are both 0: no pair would be drawn.", nameof(neighbours));
        var pool = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < sentences.Count; i++)
        {
            if (sentences[i] is not { } s) throw new ArgumentException($"sentences[{i}] is null.", nameof(sentences));
            if (distinct.Add(s)) pool.Add(s);
        }
        if (pool.Count < 2) throw new ArgumentException($"sentences holds {pool.Count} distinct sentence(s); a pair needs 2.", nameof(sentences));

        var taken = new HashSet<(string, string)>();
        foreach (var (a, b) in exclude ?? Array.Empty<(string, string)>()) taken.Add(Unordered(a, b));
        var pairs = new List<(string, string)>();
        void Add(int i, int j)
        {
            if (i != j && taken.Add(Unordered(pool[i], pool[j]))) pairs.Add((pool[i], pool[j]));
        }

        SearchHit[][] hits = Array.Empty<SearchHit[]>();
        if (neighbours > 0)
        {
            var vectors = new float[(long)pool.Count * encoder.Dimension];
            encoder.Encode(pool, vectors, cancellationToken);
            var matrix = new EmbeddingMatrix(vectors, encoder.Dimension);
            // One extra hit: the sentence itself ranks first (cosine 1) and is skipped.
            hits = SemanticSearch.Search(matrix, matrix, neighbours + 1, new SearchOptions { CancellationToken = cancellationToken });
        }
        var random = new Random(seed);
        for (int i = 0; i < pool.Count; i++)
        {
            if (neighbours > 0)
                foreach (var hit in hits[i].Where(h => h.CorpusIndex != i).Take(neighbours)) Add(i, hit.CorpusIndex);
            for (int r = 0; r < randomPerSentence; r++)
            {
                int j = random.Next(pool.Count - 1);
                Add(i, j >= i ? j + 1 : j);
            }
        }
        return pairs;
    }

    /// <summary>
    /// Training examples of <paramref name="pairs"/> labelled by <paramref name="teacher"/> (for instance
    /// <c>crossEncoder.Predict</c>, or <see cref="CosineLabels"/> of a bi-encoder), one label per pair.
    /// </summary>
    /// <exception cref="InvalidOperationException">The teacher returned another count of scores, or a score that is not finite; the message names the pair.</exception>
    public static List<TrainingExample> Label(IReadOnlyList<(string First, string Second)> pairs,
        Func<IReadOnlyList<(string? First, string? Second)>, float[]> teacher)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(teacher);
        var scores = teacher(pairs.Select(p => ((string?)p.First, (string?)p.Second)).ToList());
        if (scores.Length != pairs.Count)
            throw new InvalidOperationException($"The teacher returned {scores.Length} scores for {pairs.Count} pairs.");
        var examples = new List<TrainingExample>(pairs.Count);
        for (int i = 0; i < pairs.Count; i++)
        {
            if (!float.IsFinite(scores[i]))
                throw new InvalidOperationException($"The teacher scored pair {i} ('{pairs[i].First}', '{pairs[i].Second}') {scores[i]}, not a finite number.");
            examples.Add(TrainingExample.Pair(pairs[i].First, pairs[i].Second, scores[i]));
        }
        return examples;
    }

    /// <summary>Cosine similarity of each pair's two vectors under <paramref name="encoder"/>; each distinct sentence is embedded once.</summary>
    public static float[] CosineScores(SentenceEncoder encoder, IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(pairs);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var unique = new List<string?>();
        foreach (var (a, b) in pairs)
            foreach (var s in new[] { a, b })
                if (s is not null && index.TryAdd(s, unique.Count)) unique.Add(s);
        var vectors = encoder.Encode(unique, cancellationToken);
        return pairs.Select((p, i) => VectorMath.Cosine(
            vectors[index[p.First ?? throw new ArgumentException($"pairs[{i}].First is null.", nameof(pairs))]],
            vectors[index[p.Second ?? throw new ArgumentException($"pairs[{i}].Second is null.", nameof(pairs))]])).ToArray();
    }

    /// <summary>
    /// <see cref="CosineScores"/> clipped to [0, 1], the scale of a similarity label (score / 5 on STSb): a bi-encoder
    /// as the teacher of <see cref="Label"/>. Negative cosines, which such labels cannot express, become 0.
    /// </summary>
    public static float[] CosineLabels(SentenceEncoder encoder, IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken = default) =>
        CosineScores(encoder, pairs, cancellationToken).Select(c => Math.Clamp(c, 0f, 1f)).ToArray();

    private static (string, string) Unordered(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);
}
