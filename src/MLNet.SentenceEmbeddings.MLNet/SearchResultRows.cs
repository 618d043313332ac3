namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>A row of <see cref="Microsoft.ML.SentenceSearchExtensions.SemanticSearch"/>'s output: the rank-th best corpus row for a query row.</summary>
public sealed class SearchResultRow
{
    /// <summary>0-based row of the queries IDataView.</summary>
    public int QueryRow { get; set; }
    /// <summary>0-based row of the corpus IDataView.</summary>
    public int CorpusRow { get; set; }
    /// <summary>1 for the best hit.</summary>
    public int Rank { get; set; }
    /// <summary>Cosine similarity.</summary>
    public float Score { get; set; }
}

/// <summary>A row of <see cref="Microsoft.ML.SentenceSearchExtensions.ParaphraseMining"/>'s output: rows First &lt; Second and their cosine.</summary>
public sealed class ScoredPairRow
{
    public int First { get; set; }
    public int Second { get; set; }
    public float Score { get; set; }
}

/// <summary>A row of <see cref="Microsoft.ML.SentenceSearchExtensions.ScorePairs"/>'s output: the two texts and the cross-encoder's score.</summary>
public sealed class CrossEncoderScoreRow
{
    public string Sentence1 { get; set; } = "";
    public string Sentence2 { get; set; } = "";
    /// <summary>sigmoid of the logit, in [0, 1], for a one-label cross-encoder; the best class's probability otherwise.</summary>
    public float Score { get; set; }
    /// <summary>Index of the most probable class (0 for a one-label cross-encoder).</summary>
    public int PredictedLabel { get; set; }
}
