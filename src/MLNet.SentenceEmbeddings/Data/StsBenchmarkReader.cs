namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Reads the STS benchmark's original release (sts-train/dev/test.csv): tab-separated, no quoting (252 train lines
/// contain '"'), score in column 5 (0-5), sentences in columns 6 and 7; some lines carry extra source fields after
/// them, which are ignored.
/// </summary>
public static class StsBenchmarkReader
{
    public const double MaxScore = 5.0;

    /// <exception cref="InvalidDataException">
    /// The file has no pairs, or a line has fewer than 7 fields or a score that is not a number in [0, 5]; the message gives file:line.
    /// </exception>
    public static List<SentencePair> Read(string path)
    {
        var pairs = new List<SentencePair>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (line.Length == 0) continue;
            var f = DataFileLines.Fields(path, n, line, 7, "genre, file, year, id, score, sentence1, sentence2");
            pairs.Add(new SentencePair(f[5], f[6], DataFileLines.Score(path, n, f[4], "score (field 5)", 0, MaxScore)));
        }
        return DataFileLines.NotEmpty(pairs, path, "genre TAB file TAB year TAB id TAB score TAB sentence1 TAB sentence2 per line");
    }

    /// <summary>The unique sentences of some pairs, in first-seen order.</summary>
    public static List<string> UniqueSentences(IEnumerable<SentencePair> pairs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var p in pairs)
        {
            if (seen.Add(p.Sentence1)) result.Add(p.Sentence1);
            if (seen.Add(p.Sentence2)) result.Add(p.Sentence2);
        }
        return result;
    }
}
