namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Reads the SemEval-2014 SICK files (SICK_train.txt, SICK_trial.txt, SICK_test_annotated.txt): a header line, then
/// pair_ID, sentence_A, sentence_B, relatedness_score (1-5), entailment_judgment; the test file has CRLF endings.
/// </summary>
public static class SickReader
{
    public const double MinScore = 1.0, MaxScore = 5.0;

    /// <summary>The entailment judgments, lower-cased as <see cref="Read"/> returns them.</summary>
    public static IReadOnlyList<string> Labels { get; } = new[] { "entailment", "neutral", "contradiction" };

    /// <exception cref="InvalidDataException">
    /// No pairs, too few fields, a relatedness score that is not a number in [1, 5], or an entailment judgment other than
    /// ENTAILMENT / NEUTRAL / CONTRADICTION; the message gives file:line.
    /// </exception>
    public static List<(SentencePair Relatedness, LabeledPair Entailment)> Read(string path)
    {
        var rows = new List<(SentencePair, LabeledPair)>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (n == 1 || line.Length == 0) continue; // header
            var f = DataFileLines.Fields(path, n, line, 5, "pair_ID, sentence_A, sentence_B, relatedness_score, entailment_judgment");
            double score = DataFileLines.Score(path, n, f[3], "relatedness_score", MinScore, MaxScore);
            string label = f[4].Trim().ToLowerInvariant();
            if (!Labels.Contains(label))
                throw new InvalidDataException($"{path}:{n}: entailment_judgment '{f[4]}' is not one of ENTAILMENT, NEUTRAL, CONTRADICTION.");
            rows.Add((new SentencePair(f[1], f[2], score), new LabeledPair(f[1], f[2], label)));
        }
        return DataFileLines.NotEmpty(rows, path, "a header line, then pair_ID TAB sentence_A TAB sentence_B TAB relatedness_score TAB entailment_judgment per line");
    }
}
