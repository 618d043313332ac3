namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// TREC question classification (Li and Roth 2002): train_5500.label and TREC_10.label, lines
/// "COARSE:fine question", six coarse classes. The files are Latin-1 (train_5500 line 66 holds byte 0xF0), read as
/// SentEval reads them. C is chosen by k-fold CV on train.
/// </summary>
public static class TrecTask
{
    public const string Name = "TREC";

    /// <summary>The coarse classes in SentEval's index order (tgt2idx).</summary>
    public static IReadOnlyList<string> Classes => ClassArray;
    private static readonly string[] ClassArray = { "ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM" };

    /// <param name="folder">The folder holding train_5500.label and TREC_10.label (senteval/TREC).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.TrainTest, Classes,
        ReadFile(Path.Combine(folder, "train_5500.label")), test: ReadFile(Path.Combine(folder, "TREC_10.label")));

    /// <summary>One file; a line without "LABEL:fine question" or with an unknown coarse label fails with file:line.</summary>
    public static List<SentEvalExample> ReadFile(string path)
    {
        var rows = new List<SentEvalExample>();
        foreach (var (n, raw) in DataFileLines.Read(path, SentEvalText.Latin1))
        {
            string line = SentEvalText.Strip(raw);
            int colon = line.IndexOf(':');
            if (colon < 0) throw new InvalidDataException($"{path}:{n}: expected 'LABEL:fine question', found no ':'.");
            string coarse = line[..colon];
            int label = Array.IndexOf(ClassArray, coarse);
            if (label < 0)
                throw new InvalidDataException($"{path}:{n}: coarse label '{coarse}' is not one of {string.Join(", ", Classes)}.");
            string rest = line[(colon + 1)..];
            int space = rest.IndexOf(' ');
            if (space < 0) throw new InvalidDataException($"{path}:{n}: expected a question after the fine label '{rest}'.");
            rows.Add(new SentEvalExample(SentEvalText.JoinTokens(rest[(space + 1)..]), label));
        }
        return DataFileLines.NotEmpty(rows, path, "'COARSE:fine question' lines");
    }
}
