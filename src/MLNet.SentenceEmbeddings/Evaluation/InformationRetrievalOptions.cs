namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>Cut-offs and prompts of <see cref="InformationRetrievalEvaluator"/>; the cut-offs default to sentence-transformers'.</summary>
public sealed class InformationRetrievalOptions
{
    public int[] AccuracyAtK { get; set; } = { 1, 3, 5, 10 };
    public int[] PrecisionRecallAtK { get; set; } = { 1, 3, 5, 10 };
    public int[] MrrAtK { get; set; } = { 10 };
    /// <summary>The first of these is the primary metric.</summary>
    public int[] NdcgAtK { get; set; } = { 10 };
    public int[] MapAtK { get; set; } = { 100 };

    /// <summary>Prompt before each query; null: the model's "query" prompt when it has one (sentence-transformers'
    /// encode_query), <see cref="Prompt.None"/>: none.</summary>
    public Prompt? QueryPrompt { get; set; }

    /// <summary>Prompt before each corpus text; null: the model's "document" prompt when it has one, <see cref="Prompt.None"/>: none.</summary>
    public Prompt? CorpusPrompt { get; set; }

    /// <summary>How deep the search must go: the largest cut-off.</summary>
    public int MaxK => new[] { AccuracyAtK, PrecisionRecallAtK, MrrAtK, NdcgAtK, MapAtK }.SelectMany(k => k).Max();

    internal InformationRetrievalOptions Validate()
    {
        foreach (var (name, ks) in new[] { (nameof(AccuracyAtK), AccuracyAtK), (nameof(PrecisionRecallAtK), PrecisionRecallAtK),
                     (nameof(MrrAtK), MrrAtK), (nameof(NdcgAtK), NdcgAtK), (nameof(MapAtK), MapAtK) })
        {
            if (ks is null || ks.Length == 0) throw new ArgumentException($"{name} needs at least one cut-off.", name);
            if (ks.FirstOrDefault(k => k < 1, 1) is var bad and < 1) throw new ArgumentOutOfRangeException(name, bad, $"{name}: every k must be at least 1.");
        }
        return this;
    }
}
