namespace MLNet.SentenceEmbeddings;

/// <summary>Similarity and distance on float vectors (the bi-encoder's cheap half: SBERT Section 1).</summary>
public static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    /// <summary>Cosine similarity; 0 when either vector is all zeros.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        double na = System.Numerics.Tensors.TensorPrimitives.Norm(a), nb = System.Numerics.Tensors.TensorPrimitives.Norm(b);
        return na == 0 || nb == 0 ? 0f : (float)(Dot(a, b) / (na * nb));
    }

    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return System.Numerics.Tensors.TensorPrimitives.Distance(a, b);
    }

    public static float Manhattan(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return (float)sum;
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Vectors differ in length: {a.Length} vs {b.Length}.");
    }
}
