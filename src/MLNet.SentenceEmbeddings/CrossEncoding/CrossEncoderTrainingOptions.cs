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
}

/// <summary>Options of <see cref="CrossEncoderTrainer"/>: the shared hyper-parameters, the loss and a dev evaluator.</summary>
public sealed class CrossEncoderTrainingOptions : TrainingOptions
{
    /// <summary>null: binary cross-entropy for a one-label model, cross-entropy otherwise.</summary>
    public CrossEncoderLoss? Loss { get; set; }

    /// <summary>Scores the cross-encoder on a dev set; null trains without evaluation.</summary>
    public ICrossEncoderEvaluator? Evaluator { get; set; }
}
