using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>
/// Triplet accuracy (SBERT Section 4.4): the share of (anchor, positive, negative) triplets where the anchor is
/// closer to the positive than to the negative, for the chosen distance.
/// </summary>
public sealed class TripletEvaluator : ISentenceEvaluator
{
    private readonly IReadOnlyList<(string Anchor, string Positive, string Negative)> _triplets;
    private readonly TripletDistance _distance;

    public TripletEvaluator(IReadOnlyList<(string Anchor, string Positive, string Negative)> triplets, TripletDistance distance = TripletDistance.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(triplets);
        if (triplets.Count == 0) throw new ArgumentException("Triplet evaluation needs at least one triplet.", nameof(triplets));
        _triplets = triplets;
        _distance = distance;
    }

    public string PrimaryMetric => "accuracy";

    public IReadOnlyDictionary<string, double> Evaluate(SentenceEncoder encoder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var anchors = encoder.Encode(_triplets.Select(t => (string?)t.Anchor).ToList(), cancellationToken);
        var positives = encoder.Encode(_triplets.Select(t => (string?)t.Positive).ToList(), cancellationToken);
        var negatives = encoder.Encode(_triplets.Select(t => (string?)t.Negative).ToList(), cancellationToken);
        Func<float[], float[], double> d = _distance switch
        {
            TripletDistance.Euclidean => (a, b) => VectorMath.Euclidean(a, b),
            TripletDistance.Manhattan => (a, b) => VectorMath.Manhattan(a, b),
            _ => (a, b) => 1 - VectorMath.Cosine(a, b),
        };
        int correct = Enumerable.Range(0, _triplets.Count).Count(i => d(anchors[i], positives[i]) < d(anchors[i], negatives[i]));
        return new Dictionary<string, double> { ["accuracy"] = (double)correct / _triplets.Count, ["n"] = _triplets.Count };
    }
}
