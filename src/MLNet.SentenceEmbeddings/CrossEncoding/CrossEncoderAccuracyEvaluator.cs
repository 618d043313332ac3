using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>Classification accuracy of a k-label cross-encoder on pairs whose label is a class index (NLI).</summary>
public sealed class CrossEncoderAccuracyEvaluator : ICrossEncoderEvaluator
{
    private readonly IReadOnlyList<TrainingExample> _pairs;

    public CrossEncoderAccuracyEvaluator(IReadOnlyList<TrainingExample> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("Accuracy needs at least one pair.", nameof(pairs));
        _pairs = pairs;
    }

    public string PrimaryMetric => "accuracy";

    public IReadOnlyDictionary<string, double> Evaluate(CrossEncoder model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var logits = model.PredictLogits(_pairs.Select(p => (p.Texts[0], p.Texts[1])).ToList(), cancellationToken);
        int correct = 0;
        for (int i = 0; i < logits.Length; i++)
            if (Array.IndexOf(logits[i], logits[i].Max()) == (int)_pairs[i].Label) correct++;
        return new Dictionary<string, double> { ["accuracy"] = (double)correct / logits.Length };
    }
}
