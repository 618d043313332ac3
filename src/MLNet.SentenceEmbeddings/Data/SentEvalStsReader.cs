namespace MLNet.SentenceEmbeddings.Data;

/// <summary>One sub-set of an STS year (e.g. STS12's MSRpar): its name and its scored pairs.</summary>
public sealed record StsSubset(string Name, IReadOnlyList<SentencePair> Pairs);

/// <summary>
/// Reads one year of the SemEval STS tasks (STS12-16) in SentEval's layout: a folder (e.g. STS12-en-test) holding, per
/// sub-set NAME, STS.input.NAME.txt (sentence1 TAB sentence2 per line) and STS.gs.NAME.txt (the gold score on the same
/// line). Lines whose gold score is empty are dropped together with their sentences, as SentEval does (STS16 and
/// others leave some pairs unscored), so pairs stay aligned.
/// </summary>
public static class SentEvalStsReader
{
    private const string InputPrefix = "STS.input.", GoldPrefix = "STS.gs.", Suffix = ".txt";

    /// <summary>Gold scores run from 0 (unrelated) to 5 (equivalent).</summary>
    public const double MaxScore = 5.0;

    /// <summary>The sub-sets of <paramref name="folder"/>, ordered by name.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// No STS.input.*.txt file, a missing gold file, files of different lengths, a sub-set without scored pairs, an
    /// input line without two tab-separated sentences or a gold score that is not a number in [0, 5] (file:line named).
    /// </exception>
    public static List<StsSubset> Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"STS folder not found: {folder}");
        var inputs = Directory.GetFiles(folder, InputPrefix + "*" + Suffix).OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (inputs.Count == 0)
            throw new InvalidDataException($"{folder}: no {InputPrefix}NAME{Suffix} files; expected SentEval's STS layout (e.g. STS12-en-test).");
        return inputs.Select(ReadSubset).ToList();
    }

    private static StsSubset ReadSubset(string inputPath)
    {
        string file = Path.GetFileName(inputPath);
        string name = file[InputPrefix.Length..^Suffix.Length];
        string goldPath = Path.Combine(Path.GetDirectoryName(inputPath)!, GoldPrefix + name + Suffix);
        if (!File.Exists(goldPath)) throw new InvalidDataException($"{inputPath}: its gold file {goldPath} is missing.");
        var input = DataFileLines.Read(inputPath).ToList();
        var gold = DataFileLines.Read(goldPath).ToList();
        // A file ending in a newline has no extra empty line here (ReadLines), so counts compare like SentEval's splitlines.
        if (input.Count != gold.Count)
            throw new InvalidDataException($"{inputPath} has {input.Count} lines but {goldPath} has {gold.Count}; expected one gold score per pair.");
        var pairs = new List<SentencePair>();
        for (int i = 0; i < input.Count; i++)
        {
            string score = gold[i].Text.Trim();
            if (score.Length == 0) continue; // unscored pair: SentEval drops it
            var f = DataFileLines.Fields(inputPath, input[i].Number, input[i].Text, 2, "sentence1, sentence2");
            pairs.Add(new SentencePair(f[0], f[1], DataFileLines.Score(goldPath, gold[i].Number, score, "gold score", 0, MaxScore)));
        }
        DataFileLines.NotEmpty(pairs, goldPath, "a gold score (0-5) on the line of each pair");
        return new StsSubset(name, pairs);
    }
}
