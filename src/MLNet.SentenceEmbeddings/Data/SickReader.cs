namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Reads the SemEval-2014 SICK files (SICK_train.txt, SICK_trial.txt, SICK_test_annotated.txt): a header line, then
/// pair_ID, sentence_A, sentence_B, relatedness_score (1-5), entailment_judgment; the test file has CRLF endings.
/// </summary>
public static class SickReader
{
    public const double MinScore = 1.0, MaxScore = 5.0;

    public static List<(SentencePair Relatedness, LabeledPair Entailment)> Read(string path)
    {
        var rows = new List<(SentencePair, LabeledPair)>();
        foreach (var (n, line) in DataFileLines.Read(path))
        {
            if (n == 1 || line.Length == 0) continue; // header
            var f = DataFileLines.Fields(path, n, line, 5, "pair_ID, sentence_A, sentence_B, relatedness_score, entailment_judgment");
            double score = DataFileLines.Number(path, n, f[3], "relatedness_score");
            rows.Add((new SentencePair(f[1], f[2], score), new LabeledPair(f[1], f[2], f[4].Trim().ToLowerInvariant())));
        }
        return rows;
    }
}
