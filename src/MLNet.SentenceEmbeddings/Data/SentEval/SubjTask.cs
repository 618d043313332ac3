namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// SUBJ, subjectivity (Pang and Lee 2004): subj.objective / subj.subjective, 10-fold CV. As in SentEval's
/// SUBJEval, objective sentences are class 1 and subjective ones class 0.
/// </summary>
public static class SubjTask
{
    public const string Name = "SUBJ";

    /// <param name="folder">The folder holding subj.objective and subj.subjective (senteval/SUBJ).</param>
    public static SentEvalTaskData Read(string folder) => new(Name, SentEvalProtocol.CrossValidation, new[] { "subjective", "objective" },
        SentEvalText.ReadTwoFiles(Path.Combine(folder, "subj.objective"), Path.Combine(folder, "subj.subjective")));
}
