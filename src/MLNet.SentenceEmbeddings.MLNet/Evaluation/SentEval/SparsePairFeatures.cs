using Microsoft.ML.Data;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>SentEval's pair features [|u-v|; u*v] for sparse vectors (n-gram counts), kept sparse.</summary>
public static class SparsePairFeatures
{
    /// <summary>A vector of length 2·<paramref name="dim"/>: |u-v| in the first half, u*v in the second.</summary>
    public static VBuffer<float> Combine(VBuffer<float> u, VBuffer<float> v, int dim)
    {
        var diff = new List<(int, float)>();
        var prod = new List<(int, float)>();
        var a = Entries(u);
        var b = Entries(v);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            int ia = i < a.Count ? a[i].Index : int.MaxValue, ib = j < b.Count ? b[j].Index : int.MaxValue;
            float x = 0, y = 0;
            int k = Math.Min(ia, ib);
            if (ia == k) x = a[i++].Value;
            if (ib == k) y = b[j++].Value;
            if (x != y) diff.Add((k, Math.Abs(x - y)));
            if (x * y != 0) prod.Add((dim + k, x * y));
        }
        var entries = diff.Concat(prod).ToArray();
        return new VBuffer<float>(2 * dim, entries.Length, entries.Select(e => e.Item2).ToArray(), entries.Select(e => e.Item1).ToArray());
    }

    private static List<(int Index, float Value)> Entries(VBuffer<float> x)
    {
        var list = new List<(int, float)>();
        var values = x.GetValues();
        if (x.IsDense)
        {
            for (int i = 0; i < values.Length; i++) if (values[i] != 0) list.Add((i, values[i]));
            return list;
        }
        var indices = x.GetIndices();
        for (int i = 0; i < values.Length; i++) if (values[i] != 0) list.Add((indices[i], values[i]));
        return list;
    }
}
