namespace MLNet.SentenceEmbeddings.Evaluation;

/// <summary>
/// How an STS evaluation scores a pair of sentence vectors. Cosine is the paper's (Section 4.1); the distances are
/// negated so that a higher score always means "more similar", which is what a rank correlation needs.
/// </summary>
public enum SimilarityFunction
{
    Cosine,
    Dot,
    /// <summary>−‖u − v‖₂.</summary>
    Euclidean,
    /// <summary>−‖u − v‖₁.</summary>
    Manhattan,
}

public static class SimilarityFunctions
{
    public static readonly IReadOnlyList<SimilarityFunction> All = Enum.GetValues<SimilarityFunction>();

    public static double Score(SimilarityFunction function, float[] u, float[] v) => function switch
    {
        SimilarityFunction.Cosine => VectorMath.Cosine(u, v),
        SimilarityFunction.Dot => VectorMath.Dot(u, v),
        SimilarityFunction.Euclidean => -VectorMath.Euclidean(u, v),
        _ => -VectorMath.Manhattan(u, v),
    };

    /// <summary>The lower-case name used in metric keys and on the command line ("cosine", "dot", ...).</summary>
    public static string ToName(SimilarityFunction function) => function.ToString().ToLowerInvariant();

    /// <exception cref="ArgumentException">Not cosine, dot, euclidean or manhattan.</exception>
    public static SimilarityFunction Parse(string text, string parameterName = "similarity") =>
        Enum.TryParse<SimilarityFunction>(text, ignoreCase: true, out var f) && Enum.IsDefined(f)
            ? f
            : throw new ArgumentException($"Unknown similarity '{text}'; expected cosine, dot, euclidean or manhattan.", parameterName);
}
