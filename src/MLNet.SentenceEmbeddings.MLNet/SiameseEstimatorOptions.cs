using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>Options of <see cref="SiameseEstimator"/>: which columns to read, which objective, and how to train.</summary>
public sealed class SiameseEstimatorOptions
{
    public TrainingObjective Objective { get; set; } = TrainingObjective.Regression;

    /// <summary>Text columns of one example, in order: (sentence 1, sentence 2) or (anchor, positive, negative).</summary>
    public string[] SentenceColumns { get; set; } = { "Sentence1", "Sentence2" };

    /// <summary>
    /// The label (softmax: a class index 0..NumLabels-1, as Single, Double, an integer type or a 1-based key) or
    /// score column (regression, cosent); ignored by triplet and mnrl.
    /// </summary>
    public string LabelColumn { get; set; } = "Label";

    public int NumLabels { get; set; } = 3;

    /// <summary>Regression: gold scores are mapped from [min, max] to [0, 1] (STSb: 0-5, SBERT Section 3).</summary>
    public (double Min, double Max) ScoreRange { get; set; } = (0, 1);

    /// <summary>The encoder to start from: "default", "arctic-xs" or a model folder.</summary>
    public string BaseModel { get; set; } = SentenceEmbeddingOptions.Defaults.Model;

    /// <summary>The transformer that Fit returns embeds this text column (null: the first sentence column)...</summary>
    public string? InputColumnName { get; set; }

    /// <summary>...into this vector column.</summary>
    public string OutputColumnName { get; set; } = "Features";

    /// <summary>Batch size, learning rate, epochs, seed, evaluation, checkpoints (the paper's defaults).</summary>
    public SiameseTrainingOptions Training { get; set; } = new();
}
