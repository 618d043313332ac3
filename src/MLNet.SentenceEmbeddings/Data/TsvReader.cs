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
    public static List<(int Line, string[] Fields)> Read(string path, int columns)
    {
        var rows = new List<(int, string[])>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (line.Length == 0) continue;
            var f = DataFileLines.Fields(path, n, line, columns, $"{columns} fields");
            rows.Add((n, f.Take(columns).ToArray()));
        }
        return rows;
    }

    /// <summary>Parses a field as a number, naming file and line on failure.</summary>
    public static double Number(string path, int line, string text) => DataFileLines.Number(path, line, text, "label or score");
}
