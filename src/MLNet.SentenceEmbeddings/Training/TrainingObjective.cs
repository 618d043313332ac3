namespace MLNet.SentenceEmbeddings.Training;

/// <summary>The objectives by name, as the CLI and the ML.NET trainer expose them.</summary>
public enum TrainingObjective
{
    /// <summary>SBERT's classification objective on pairs with class labels (<see cref="SoftmaxLoss"/>).</summary>
    Softmax,
    /// <summary>SBERT's regression objective on pairs with scores (<see cref="CosineSimilarityLoss"/>).</summary>
    Regression,
    /// <summary>SBERT's triplet objective (<see cref="TripletLoss"/>).</summary>
    Triplet,
    /// <summary>In-batch negatives on (anchor, positive[, negative]) (<see cref="MultipleNegativesRankingLoss"/>).</summary>
    Mnrl,
    /// <summary>CoSENT ranking on pairs with scores (<see cref="CoSentLoss"/>).</summary>
    CoSent,
    /// <summary>AnglE: CoSENT's ranking on an angle similarity, pairs with scores (<see cref="AngleLoss"/>).</summary>
    Angle,
}

public static class TrainingObjectives
{
    /// <summary>Every objective's name as <see cref="Parse"/> reads it (softmax, regression, triplet, mnrl, cosent, angle).</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<TrainingObjective>().Select(o => o.ToString().ToLowerInvariant()).ToArray();

    /// <summary>Parses one of <see cref="Names"/> (case-insensitive).</summary>
    public static TrainingObjective Parse(string name, string parameterName = "objective") =>
        Enum.TryParse<TrainingObjective>(name, ignoreCase: true, out var o) && Enum.IsDefined(o)
            ? o
            : throw new ArgumentException($"Unknown objective '{name}'; expected {string.Join(", ", Names.SkipLast(1))} or {Names[^1]}.", parameterName);

    /// <summary>Builds the loss for an encoder of width <paramref name="dimension"/>.</summary>
    /// <param name="objective">Which objective.</param>
    /// <param name="dimension">Width of the encoder's sentence vectors (the softmax classifier's input size per part).</param>
    /// <param name="numLabels">Classes of the softmax objective.</param>
    /// <param name="columns">Sentence columns per example: 3 makes <see cref="TrainingObjective.Mnrl"/> use hard negatives.</param>
    /// <param name="beforeNormalize">Softmax and triplet: train on the vector before a trailing Normalize module
    /// (default, the paper's condition); false: on the encoder's normalised output. The other objectives ignore it.</param>
    public static ISentenceLoss Create(TrainingObjective objective, int dimension, int numLabels = 3, int columns = 2, bool beforeNormalize = true) => objective switch
    {
        TrainingObjective.Softmax => new SoftmaxLoss(dimension, numLabels, beforeNormalize: beforeNormalize),
        TrainingObjective.Regression => new CosineSimilarityLoss(),
        TrainingObjective.Triplet => new TripletLoss(beforeNormalize: beforeNormalize),
        TrainingObjective.Mnrl => new MultipleNegativesRankingLoss(withHardNegative: columns == 3),
        TrainingObjective.CoSent => new CoSentLoss(),
        TrainingObjective.Angle => new AngleLoss(),
        _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "not a training objective."),
    };
}
