namespace MLNet.SentenceEmbeddings.Data;

/// <summary>Line reading shared by the dataset readers: numbered lines, BOM and CRLF handled, file checked.</summary>
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
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v))
            throw new InvalidDataException($"{path}:{lineNumber}: {what} '{text}' is not a number.");
        return v;
    }
}
