namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// CR, customer-review polarity (Hu and Liu 2004): custrev.pos / custrev.neg, 10-fold CV. The files hold a few
/// empty lines, which SentEval keeps (3,775 rows, 3,771 of them non-empty).
/// </summary>
public static class CrTask
{
    public const string Name = "CR";

    /// <param name="folder">The folder holding custrev.pos and custrev.neg (senteval/CR).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.CrossValidation, new[] { "negative", "positive" },
        SentEvalText.ReadTwoFiles(Path.Combine(folder, "custrev.pos"), Path.Combine(folder, "custrev.neg")));
}
