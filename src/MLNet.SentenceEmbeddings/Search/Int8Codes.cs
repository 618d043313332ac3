using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.SentenceEmbeddings.Search;

/// <summary>Where int8 quantization takes its scale from.</summary>
public enum Int8Scale
{
    /// <summary>One scale per dimension (its largest |value| over the corpus maps to 127): tighter where dimensions differ in range.</summary>
    PerDimension,
    /// <summary>One scale for the whole matrix: the int8 dot product is then proportional to the float one.</summary>
    Global,
}

/// <summary>
/// Symmetric int8 codes of unit-normalised vectors, 4x smaller than float32: x[d] ~ scale[d] * code[d], code in
/// [-127, 127]. A query is scored asymmetrically: it is multiplied by the scales and quantized with its own global
/// scale, so Σ code_c[d] * code_q[d] (an integer dot product) ranks like Σ x_c[d] * x_q[d].
/// </summary>
internal sealed class Int8Codes
{
    private readonly sbyte[] _codes;

    private Int8Codes(sbyte[] codes, float[] scales, int rows, int dimension)
    {
        _codes = codes;
        Scales = scales;
        Rows = rows;
        Dimension = dimension;
    }

    public int Rows { get; }
    public int Dimension { get; }
    /// <summary>The dequantization scale of each dimension (all equal for <see cref="Int8Scale.Global"/>).</summary>
    public float[] Scales { get; }
    public long Bytes => _codes.Length + 4L * Scales.Length;

    public ReadOnlySpan<sbyte> Row(int i) => _codes.AsSpan(i * Dimension, Dimension);

    /// <summary>Quantizes the rows of <paramref name="corpus"/>, each first scaled to unit length.</summary>
    public static Int8Codes Quantize(EmbeddingMatrix corpus, Int8Scale scale)
    {
        int n = corpus.Rows, dim = corpus.Dimension;
        var inv = corpus.InverseNorms();
        var maxAbs = new float[dim];
        var unit = new float[dim];
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.Multiply(corpus.Row(i), inv[i], unit);
            TensorPrimitives.Abs(unit, unit);
            TensorPrimitives.Max(maxAbs, unit, maxAbs);
        }
        if (scale == Int8Scale.Global) Array.Fill(maxAbs, TensorPrimitives.Max(maxAbs));
        var scales = maxAbs.Select(m => m > 0 ? m / 127f : 1f).ToArray();
        var codes = new sbyte[(long)n * dim];
        for (int i = 0; i < n; i++)
        {
            TensorPrimitives.Multiply(corpus.Row(i), inv[i], unit);
            TensorPrimitives.Divide(unit, scales, unit);
            var target = codes.AsSpan(i * dim, dim);
            for (int d = 0; d < dim; d++) target[d] = (sbyte)Math.Clamp(MathF.Round(unit[d]), -127, 127);
        }
        return new Int8Codes(codes, scales, n, dim);
    }

    /// <summary>Codes of a query such that <see cref="Dot"/> with a corpus row ranks like the float dot product.</summary>
    public sbyte[] QuantizeQuery(ReadOnlySpan<float> query)
    {
        var scaled = new float[Dimension];
        TensorPrimitives.Multiply(query, Scales, scaled);
        float max = MathF.Abs(TensorPrimitives.MaxMagnitude(scaled)); // MaxMagnitude keeps the sign
        var codes = new sbyte[Dimension];
        if (!(max > 0)) return codes;
        TensorPrimitives.Multiply(scaled, 127f / max, scaled);
        for (int d = 0; d < Dimension; d++) codes[d] = (sbyte)Math.Clamp(MathF.Round(scaled[d]), -127, 127);
        return codes;
    }

    /// <summary>The float vector a row stands for (unit length, up to rounding).</summary>
    public void Dequantize(int row, Span<float> destination)
    {
        var codes = Row(row);
        for (int d = 0; d < Dimension; d++) destination[d] = codes[d] * Scales[d];
    }

    /// <summary>Integer dot product; SIMD: sign-extend to int16, multiply (|product| ≤ 127² fits), widen to int32, add.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int i = 0, sum = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<sbyte>.Count)
        {
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            ref sbyte rb = ref MemoryMarshal.GetReference(b);
            var acc = Vector256<int>.Zero;
            for (; i <= a.Length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var (aLo, aHi) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
                var (bLo, bHi) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i));
                var (p0, p1) = Vector256.Widen(aLo * bLo);
                var (p2, p3) = Vector256.Widen(aHi * bHi);
                acc += (p0 + p1) + (p2 + p3);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
