namespace MLNet.SentenceEmbeddings.Search;

/// <summary>One result of a search: a corpus row and its score (cosine similarity unless stated otherwise).</summary>
public readonly record struct SearchHit(int CorpusIndex, float Score)
{
    /// <summary>Ranking order of every search here: higher score first, then the lower index (deterministic ties).</summary>
    internal static int Compare(SearchHit a, SearchHit b)
    {
        int byScore = b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : a.CorpusIndex.CompareTo(b.CorpusIndex);
    }
}

/// <summary>A mined pair of sentences: <see cref="First"/> &lt; <see cref="Second"/>, with their cosine similarity.</summary>
public readonly record struct ScoredPair(int First, int Second, float Score);
