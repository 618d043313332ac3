namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Line reading shared by the dataset readers: numbered lines, BOM and CRLF handled, file checked; numbers, ranges
/// and empty files fail naming the file (and line).
/// </summary>
internal static class DataFileLines
{
    /// <summary>(1-based line number, text) of every line; a leading UTF-8 BOM is dropped, CRLF and LF both end lines.</summary>
    public static IEnumerable<(int Number, string Text)> Read(string path, System.Text.Encoding? encoding = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        int n = 0;
        foreach (var line in File.ReadLines(path, encoding ?? System.Text.Encoding.UTF8)) yield return (++n, line);
    }

    public static string[] Fields(string path, int lineNumber, string line, int atLeast, string expected)
    {
        var f = line.Split('\t');
        if (f.Length < atLeast)
            throw new InvalidDataException($"{path}:{lineNumber}: expected at least {atLeast} tab-separated fields ({expected}), found {f.Length}.");
        return f;
    }

    public static double Number(string path, int lineNumber, string text, string what)
    {
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            || !double.IsFinite(v))
            throw new InvalidDataException($"{path}:{lineNumber}: {what} '{text}' is not a number.");
        return v;
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; outside, the error names file, line and range.</summary>
    public static double Score(string path, int lineNumber, string text, string what, double min, double max, string? hint = null)
    {
        double v = Number(path, lineNumber, text, what);
        if (v < min || v > max)
            throw new InvalidDataException($"{path}:{lineNumber}: {what} {Format(v)} is outside [{Format(min)}, {Format(max)}].{(hint is null ? "" : " " + hint)}");
        return v;
    }

    /// <summary>Throws when a file gave no rows: training on nothing (or averaging over nothing) must not start.</summary>
    public static List<T> NotEmpty<T>(List<T> rows, string path, string expected)
    {
        if (rows.Count == 0) throw new InvalidDataException($"{path}: no data rows; expected {expected}.");
        return rows;
    }

    private static string Format(double v) => v.ToString("G", System.Globalization.CultureInfo.InvariantCulture);
}
