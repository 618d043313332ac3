namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// How SentEval (Conneau and Kiela, LREC 2018) scores a transfer task: which rows train, which choose the L2
/// strength, which test (senteval/tools/validation.py: InnerKFoldClassifier, KFoldClassifier, SplitClassifier).
/// </summary>
public enum SentEvalProtocol
{
    /// <summary>k-fold CV over all rows; on each outer training part an inner k-fold chooses C (MR, CR, SUBJ, MPQA).</summary>
    CrossValidation,
    /// <summary>k-fold CV on train chooses C; then fit on all of train, score test (TREC, MRPC).</summary>
    TrainTest,
    /// <summary>Dev chooses C; fit on train, score test (SST-2).</summary>
    TrainDevTest,
}

/// <summary>One labelled row of a SentEval task; <see cref="Sentence2"/> is set for pair tasks (MRPC).</summary>
/// <param name="Sentence">The text as SentEval hands it to the encoder: its whitespace tokens joined by one space.</param>
/// <param name="Label">0-based class index into <see cref="SentEvalTaskData.ClassNames"/>.</param>
/// <param name="Sentence2">The second sentence of a pair, else null.</param>
public sealed record SentEvalExample(string Sentence, int Label, string? Sentence2 = null);

/// <summary>A SentEval transfer task as read from disk: its rows, split the way its protocol needs.</summary>
public sealed class SentEvalTaskData
{
    public SentEvalTaskData(string name, SentEvalProtocol protocol, IReadOnlyList<string> classNames,
        IReadOnlyList<SentEvalExample> train, IReadOnlyList<SentEvalExample>? dev = null, IReadOnlyList<SentEvalExample>? test = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(train);
        Name = name;
        Protocol = protocol;
        ClassNames = classNames;
        Train = train;
        Dev = dev ?? Array.Empty<SentEvalExample>();
        Test = test ?? Array.Empty<SentEvalExample>();
        if (protocol != SentEvalProtocol.CrossValidation && Test.Count == 0)
            throw new ArgumentException($"{name}: protocol {protocol} needs test rows.", nameof(test));
        if (protocol == SentEvalProtocol.TrainDevTest && Dev.Count == 0)
            throw new ArgumentException($"{name}: protocol {protocol} needs dev rows.", nameof(dev));
        foreach (var e in All)
            if ((uint)e.Label >= (uint)classNames.Count)
                throw new ArgumentException($"{name}: label {e.Label} is outside the {classNames.Count} classes.", nameof(train));
    }

    /// <summary>"MR", "CR", "SUBJ", "MPQA", "SST2", "TREC", "MRPC".</summary>
    public string Name { get; }
    public SentEvalProtocol Protocol { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>All rows of a cross-validation task, else the training split.</summary>
    public IReadOnlyList<SentEvalExample> Train { get; }
    public IReadOnlyList<SentEvalExample> Dev { get; }
    public IReadOnlyList<SentEvalExample> Test { get; }

    public bool IsPairTask => Train.Count > 0 && Train[0].Sentence2 is not null;

    /// <summary>Train, then dev, then test: the row numbering the runner uses.</summary>
    public IReadOnlyList<SentEvalExample> All => _all ??= Train.Concat(Dev).Concat(Test).ToArray();
    private SentEvalExample[]? _all;

    /// <summary>Every sentence the encoder must embed (both sides of pairs), in row order, duplicates kept.</summary>
    public IEnumerable<string> Sentences()
    {
        foreach (var e in All)
        {
            yield return e.Sentence;
            if (e.Sentence2 is not null) yield return e.Sentence2;
        }
    }
}
