using System.Numerics.Tensors;

namespace MLNet.SentenceEmbeddings.Search;

/// <summary>
/// n sentence vectors of one width, stored row-major in one array (no per-row objects: a 1M x 384 corpus is one
/// 1.5 GB array). What <see cref="SentenceEncoder.Encode(IReadOnlyList{string?}, Span{float}, CancellationToken)"/> writes.
/// </summary>
public sealed class EmbeddingMatrix
{
    /// <param name="data">Row-major values; its length must be a multiple of <paramref name="dimension"/>. Not copied.</param>
    /// <param name="dimension">Width of one vector.</param>
    public EmbeddingMatrix(float[] data, int dimension)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1.");
        if (data.Length % dimension != 0)
            throw new ArgumentException($"data holds {data.Length} floats, not a multiple of dimension {dimension}.", nameof(data));
        Data = data;
        Dimension = dimension;
        Rows = data.Length / dimension;
    }

    /// <summary>Copies jagged rows (what <see cref="SentenceEncoder.Encode(IReadOnlyList{string?}, CancellationToken)"/> returns).</summary>
    /// <exception cref="ArgumentException">The rows differ in length; the message names the first that does.</exception>
    public static EmbeddingMatrix FromRows(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("At least one row is needed to know the dimension.", nameof(rows));
        int dim = rows[0]?.Length ?? throw new ArgumentException("Row 0 is null.", nameof(rows));
        var data = new float[(long)rows.Count * dim];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i] is not { } row || row.Length != dim)
                throw new ArgumentException($"Row {i} has {rows[i]?.Length.ToString() ?? "no"} values; row 0 has {dim}.", nameof(rows));
            row.CopyTo(data, (long)i * dim);
        }
        return new EmbeddingMatrix(data, dim);
    }

    /// <summary>Embeds <paramref name="sentences"/> straight into a matrix.</summary>
    public static EmbeddingMatrix Encode(SentenceEncoder encoder, IReadOnlyList<string?> sentences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var data = new float[(long)sentences.Count * encoder.Dimension];
        encoder.Encode(sentences, data, cancellationToken);
        return new EmbeddingMatrix(data, encoder.Dimension);
    }

    public float[] Data { get; }
    public int Rows { get; }
    public int Dimension { get; }

    public ReadOnlySpan<float> Row(int index) => Data.AsSpan(index * Dimension, Dimension);

    /// <summary>1 / ||row|| for every row (0 for an all-zero row, whose cosine is then 0, as in <see cref="VectorMath.Cosine"/>).</summary>
    internal float[] InverseNorms()
    {
        var result = new float[Rows];
        for (int i = 0; i < Rows; i++)
        {
            float norm = TensorPrimitives.Norm(Row(i));
            result[i] = norm > 0 ? 1f / norm : 0f;
        }
        return result;
    }

    internal void CheckSameDimension(EmbeddingMatrix other, string parameter)
    {
        if (other.Dimension != Dimension)
            throw new ArgumentException($"{parameter} has {other.Dimension}-dimensional vectors, the corpus {Dimension}.", parameter);
    }
}
