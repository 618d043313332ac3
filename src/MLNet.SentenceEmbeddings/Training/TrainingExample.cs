namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// One training example: the sentences of its columns (a pair, a triplet, or anchor/positive[/negative]) and, for
/// objectives that need one, a label (class index for <see cref="SoftmaxLoss"/>) or score.
/// </summary>
public sealed record TrainingExample(IReadOnlyList<string?> Texts, double Label = 0)
{
    public static TrainingExample Pair(string a, string b, double label) => new(new[] { a, b }, label);
    public static TrainingExample Triplet(string anchor, string positive, string negative) => new(new[] { anchor, positive, negative });
}
