namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Plain tab-separated training data, no header: "sentence1 TAB sentence2 TAB label-or-score" or, for triplets and
/// in-batch negatives, two or three sentences per line.
/// </summary>
public static class TsvReader
{
    /// <param name="path">The file.</param>
    /// <param name="columns">Fields per line (2 or 3; a label or score counts as a field).</param>
    /// <returns>(1-based line number, fields) per non-empty line.</returns>
    /// <exception cref="InvalidDataException">No non-empty line, or a line with fewer fields; the message gives file:line.</exception>
    public static List<(int Line, string[] Fields)> Read(string path, int columns)
    {
        var rows = new List<(int, string[])>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (line.Length == 0) continue;
            var f = DataFileLines.Fields(path, n, line, columns, $"{columns} fields");
            rows.Add((n, f.Take(columns).ToArray()));
        }
        return DataFileLines.NotEmpty(rows, path, $"{columns} tab-separated fields per line");
    }

    /// <summary>Parses a field as a number, naming file and line on failure.</summary>
    public static double Number(string path, int line, string text) => DataFileLines.Number(path, line, text, "label or score");

    /// <summary>
    /// "sentence1 TAB sentence2 TAB score" lines with every score in [<paramref name="minScore"/>, <paramref name="maxScore"/>]:
    /// by default [0, 1], the similarity the regression objective compares cosine with (SBERT Section 3).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// No rows, too few fields, or a score that is not a number in range; a score above 1 in a [0, 1] file suggests a
    /// 0-5 STS file and the message says to divide by 5.
    /// </exception>
    public static List<SentencePair> ReadScored(string path, double minScore = 0, double maxScore = 1)
    {
        if (!(minScore <= maxScore)) throw new ArgumentOutOfRangeException(nameof(maxScore), maxScore, $"maxScore must be at least minScore ({minScore}).");
        string? hint = minScore == 0 && maxScore == 1
            ? "Scores must be similarities in [0, 1]; for a 0-5 STS file divide each score by 5 (a 1-5 file: subtract 1, divide by 4)."
            : null;
        return Read(path, 3)
            .Select(r => new SentencePair(r.Fields[0], r.Fields[1], DataFileLines.Score(path, r.Line, r.Fields[2], "score (field 3)", minScore, maxScore, hint)))
            .ToList();
    }

    /// <summary>
    /// "sentence1 TAB sentence2 TAB label" lines whose label is a class index 0, 1, 2, ... (the softmax objective);
    /// <see cref="SentencePair.Score"/> holds the index. The number of classes is the largest index + 1.
    /// </summary>
    /// <exception cref="InvalidDataException">No rows, too few fields, or a label that is not a class index; the message gives file:line.</exception>
    public static (List<SentencePair> Pairs, int NumLabels) ReadLabeled(string path)
    {
        var pairs = new List<SentencePair>();
        foreach (var (line, f) in Read(path, 3))
        {
            if (!int.TryParse(f[2].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int label))
                throw new InvalidDataException($"{path}:{line}: label '{f[2]}' is not a class index (0, 1, 2, ...).");
            pairs.Add(new SentencePair(f[0], f[1], label));
        }
        return (pairs, (int)pairs.Max(p => p.Score) + 1);
    }
}
