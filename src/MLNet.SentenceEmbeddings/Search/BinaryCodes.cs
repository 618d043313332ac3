using System.Numerics;

namespace MLNet.SentenceEmbeddings.Search;

/// <summary>
/// One sign bit per dimension (x[d] &gt; 0), packed 64 to a ulong: 32x smaller than float32. Two vectors are compared
/// by Hamming distance (XOR + popcount); fewer differing bits = more similar, roughly as the angle between them.
/// </summary>
internal sealed class BinaryCodes
{
    private readonly ulong[] _bits;

    private BinaryCodes(ulong[] bits, int rows, int dimension)
    {
        _bits = bits;
        Rows = rows;
        Dimension = dimension;
        Words = (dimension + 63) / 64;
    }

    public int Rows { get; }
    public int Dimension { get; }
    public int Words { get; }
    public long Bytes => 8L * _bits.Length;

    public ReadOnlySpan<ulong> Row(int i) => _bits.AsSpan(i * Words, Words);

    public static BinaryCodes Quantize(EmbeddingMatrix corpus)
    {
        int words = (corpus.Dimension + 63) / 64;
        var bits = new ulong[(long)corpus.Rows * words];
        for (int i = 0; i < corpus.Rows; i++) Pack(corpus.Row(i), bits.AsSpan(i * words, words));
        return new BinaryCodes(bits, corpus.Rows, corpus.Dimension);
    }

    public static void Pack(ReadOnlySpan<float> vector, Span<ulong> destination)
    {
        destination.Clear();
        for (int d = 0; d < vector.Length; d++)
            if (vector[d] > 0) destination[d >> 6] |= 1UL << (d & 63);
    }

    public static int Hamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        int distance = 0;
        for (int w = 0; w < a.Length; w++) distance += BitOperations.PopCount(a[w] ^ b[w]);
        return distance;
    }

    /// <summary>The ±1 vector a row stands for (used to rescore when no float corpus is kept).</summary>
    public void Unpack(int row, Span<float> destination)
    {
        var bits = Row(row);
        for (int d = 0; d < Dimension; d++) destination[d] = (bits[d >> 6] >> (d & 63) & 1) != 0 ? 1f : -1f;
    }
}
