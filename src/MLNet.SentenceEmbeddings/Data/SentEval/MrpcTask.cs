namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// MRPC paraphrase detection (Dolan et al. 2004) as SentEval prepares it: msr_paraphrase_train.txt /
/// msr_paraphrase_test.txt, a UTF-8 BOM, a header line, then "Quality, #1 ID, #2 ID, #1 String, #2 String".
/// Pairs; C is chosen by k-fold CV on train; SentEval's features are [|u-v|; u*v].
/// </summary>
public static class MrpcTask
{
    public const string Name = "MRPC";

    /// <param name="folder">The folder holding the two msr_paraphrase_*.txt files (senteval/MRPC).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.TrainTest, new[] { "not paraphrase", "paraphrase" },
        ReadFile(Path.Combine(folder, "msr_paraphrase_train.txt")), test: ReadFile(Path.Combine(folder, "msr_paraphrase_test.txt")));

    /// <summary>One file; malformed lines fail with file:line (see <see cref="Data.MrpcReader"/>).</summary>
    public static List<SentEvalExample> ReadFile(string path) => MrpcReader.Read(path)
        .Select(p => new SentEvalExample(SentEvalText.JoinTokens(p.Sentence1), p.Label == "1" ? 1 : 0, SentEvalText.JoinTokens(p.Sentence2)))
        .ToList();
}
