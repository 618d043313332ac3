namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// MPQA, opinion polarity of phrases (Wiebe et al. 2005): mpqa.pos / mpqa.neg, 10-fold CV. Empty lines are kept,
/// as SentEval keeps them (10,606 rows, 10,603 of them non-empty).
/// </summary>
public static class MpqaTask
{
    public const string Name = "MPQA";

    /// <param name="folder">The folder holding mpqa.pos and mpqa.neg (senteval/MPQA).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.CrossValidation, new[] { "negative", "positive" },
        SentEvalText.ReadTwoFiles(Path.Combine(folder, "mpqa.pos"), Path.Combine(folder, "mpqa.neg")));
}
