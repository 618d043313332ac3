using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>What the cross-encoder minimises.</summary>
public enum CrossEncoderLoss
{
    /// <summary>Binary cross-entropy on the logit, labels in [0, 1] (sentence-transformers' CrossEncoder default for one label; STSb: score / 5).</summary>
    BinaryCrossEntropy,
    /// <summary>Mean squared error between sigmoid(logit) and a label in [0, 1].</summary>
    MeanSquaredError,
    /// <summary>Cross-entropy over k classes, labels are class indices (NLI).</summary>
    CrossEntropy,
    /// <summary>
    /// CoSENT's pair ranking on the score p = sigmoid(logit), log(1 + Σ_{y_i > y_j} exp(s (p_j − p_i))) with CoSENT's
    /// scale s = <see cref="Training.PairRankingLoss.DefaultScale"/>, over every two pairs of a batch (labels in [0, 1]): only the order of the scores is trained, as Spearman only reads their
    /// order. The scores rank but are not calibrated to the labels, so such a model is no silver labeller.
    /// </summary>
    PairRanking,
    /// <summary>
    /// CoSENT itself, for a head that compares the pair's two sentences (<see cref="CrossEncoderHead.CompareSegments"/>):
    /// pair ranking on s · cos(u, v) of the two sentences' pooled token vectors, s = <see cref="Training.PairRankingLoss.DefaultScale"/>,
    /// as the CoSENT bi-encoder trains its cosine. The head's weight and bias, which only map the cosine to a score, get
    /// no gradient; what reads across the pair (a <see cref="CrossSentenceGate"/>, layers that read it) trains. As with
    /// <see cref="PairRanking"/>, the scores rank but are not calibrated to the labels.
    /// </summary>
    CosineRanking,
}

/// <summary>Options of <see cref="CrossEncoderTrainer"/>: the shared hyper-parameters (learning rate <see cref="DefaultLearningRate"/>), the loss and a dev evaluator.</summary>
public sealed class CrossEncoderTrainingOptions : TrainingOptions
{
    /// <summary>
    /// The cross-encoder's default peak learning rate, five times the paper's 2e-5 (which the bi-encoder keeps). The
    /// bi-encoder starts from an encoder already good at the task and only adjusts it; a cross-encoder started from
    /// the same 22M-parameter encoder must learn to compare two sentences inside one sequence and grow a new head on an
    /// untrained pooler (all-MiniLM-L6-v2's: bias zero, weights of standard deviation 0.009). At 2e-5 Adam moves each
    /// weight by so little per step that one epoch left it far below the bi-encoder; docs/efficiency.md has the runs.
    /// </summary>
    public const double DefaultLearningRate = 1e-4;

    public CrossEncoderTrainingOptions() => LearningRate = DefaultLearningRate;

    /// <summary>null: binary cross-entropy for a one-label model, cross-entropy otherwise.</summary>
    public CrossEncoderLoss? Loss { get; set; }

    /// <summary>Scores the cross-encoder on a dev set; null trains without evaluation.</summary>
    public ICrossEncoderEvaluator? Evaluator { get; set; }
}
