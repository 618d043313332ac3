namespace MLNet.SentenceEmbeddings.Training;

/// <summary>What the label of a training example means to an objective.</summary>
public enum LabelKind
{
    /// <summary>No label: the columns alone carry the signal (triplets, anchor/positive pairs).</summary>
    None,
    /// <summary>A class index 0..k-1 (the softmax objective on NLI).</summary>
    ClassIndex,
    /// <summary>A similarity score (regression: in [0, 1]; CoSENT: any scale, only the order counts).</summary>
    Score,
}
