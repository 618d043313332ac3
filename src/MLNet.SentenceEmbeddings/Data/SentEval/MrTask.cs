namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>MR, movie-review polarity (Pang and Lee 2005): rt-polarity.pos / rt-polarity.neg, 10-fold CV.</summary>
public static class MrTask
{
    public const string Name = "MR";

    /// <param name="folder">The folder holding rt-polarity.pos and rt-polarity.neg (senteval/MR).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.CrossValidation, new[] { "negative", "positive" },
        SentEvalText.ReadTwoFiles(Path.Combine(folder, "rt-polarity.pos"), Path.Combine(folder, "rt-polarity.neg")));
}
