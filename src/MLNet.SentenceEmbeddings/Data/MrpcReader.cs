namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Reads the MSR paraphrase corpus files: a UTF-8 BOM, a header (Quality, #1 ID, #2 ID, #1 String, #2 String), then
/// one pair per line with Quality 1 (paraphrase) or 0.
/// </summary>
public static class MrpcReader
{
    /// <exception cref="InvalidDataException">No pairs, too few fields or a Quality other than 0/1; the message gives file:line.</exception>
    public static List<LabeledPair> Read(string path)
    {
        var rows = new List<LabeledPair>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (n == 1 || line.Length == 0) continue; // header
            var f = DataFileLines.Fields(path, n, line, 5, "Quality, #1 ID, #2 ID, #1 String, #2 String");
            if (f[0] is not ("0" or "1")) throw new InvalidDataException($"{path}:{n}: Quality '{f[0]}' must be 0 or 1.");
            rows.Add(new LabeledPair(f[3], f[4], f[0]));
        }
        return DataFileLines.NotEmpty(rows, path, "a header line, then Quality TAB #1 ID TAB #2 ID TAB #1 String TAB #2 String per line");
    }
}
