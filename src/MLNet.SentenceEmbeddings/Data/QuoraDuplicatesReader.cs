namespace MLNet.SentenceEmbeddings.Data;

/// <summary>A retrieval task built from question pairs: a corpus of unique questions, queries, and each query's relevant corpus rows.</summary>
/// <param name="Corpus">Every unique question, in first-seen order.</param>
/// <param name="Queries">Corpus rows used as queries (the first question of at least one duplicate pair).</param>
/// <param name="Relevant">For each query, the corpus rows of its duplicates (never the query itself).</param>
public sealed record DuplicateRetrievalTask(List<string> Corpus, List<int> Queries, List<int[]> Relevant);

/// <summary>
/// Reads Quora question pairs as shipped in ../shared/data/quora (<c>q1 TAB q2 TAB is_duplicate</c>, no header) and turns
/// them into a duplicate-question retrieval task: corpus = all unique questions, queries = q1 of duplicate pairs,
/// relevant = their q2s.
/// </summary>
public static class QuoraDuplicatesReader
{
    public static List<(string Question1, string Question2, bool IsDuplicate)> Read(string path)
    {
        var rows = new List<(string, string, bool)>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (line.Length == 0) continue;
            var f = DataFileLines.Fields(path, n, line, 3, "question 1, question 2, is_duplicate");
            if (f[2] is not ("0" or "1")) throw new InvalidDataException($"{path}:{n}: is_duplicate '{f[2]}' must be 0 or 1.");
            rows.Add((f[0], f[1], f[2] == "1"));
        }
        return DataFileLines.NotEmpty(rows, path, "question 1 TAB question 2 TAB is_duplicate (0 or 1) per line");
    }

    /// <param name="pairs">Rows of <see cref="Read"/>.</param>
    /// <param name="maxPairs">Use only the first pairs (quick runs); null: all.</param>
    public static DuplicateRetrievalTask RetrievalTask(IReadOnlyList<(string Question1, string Question2, bool IsDuplicate)> pairs, int? maxPairs = null)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var corpus = new List<string>();
        int Id(string q)
        {
            if (index.TryGetValue(q, out int i)) return i;
            index[q] = corpus.Count;
            corpus.Add(q);
            return corpus.Count - 1;
        }
        var relevant = new Dictionary<int, SortedSet<int>>();
        var order = new List<int>();
        foreach (var (q1, q2, dup) in pairs.Take(maxPairs ?? int.MaxValue))
        {
            int a = Id(q1), b = Id(q2);
            if (!dup || a == b) continue;
            if (!relevant.TryGetValue(a, out var set)) { relevant[a] = set = new SortedSet<int>(); order.Add(a); }
            set.Add(b);
        }
        return new DuplicateRetrievalTask(corpus, order, order.Select(q => relevant[q].ToArray()).ToList());
    }
}
