using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using MLNet.SentenceEmbeddings.Data.SentEval;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// Fixed sentence vectors as features: every distinct sentence of a task is embedded once (not once per fold),
/// kept in memory and, when a cache folder is given, on disk under a key of the source's settings and the
/// sentences. Pair tasks get SentEval's [|u-v|; u*v].
/// </summary>
public abstract class EmbeddingFeatureSource : ISentEvalFeatureSource
{
    private readonly Dictionary<string, float[][]> _memory = new(StringComparer.Ordinal);

    /// <param name="cacheDirectory">Folder for cached vectors (created when needed); null keeps them in memory only.</param>
    protected EmbeddingFeatureSource(string? cacheDirectory) => CacheDirectory = cacheDirectory;

    public abstract string Name { get; }

    public string? CacheDirectory { get; }

    /// <summary>What the vectors depend on besides the sentences (model, pooling, normalisation, ...); null disables the disk cache.</summary>
    protected abstract string? CacheKey { get; }

    /// <summary>Time spent computing (not loading) vectors in the last <see cref="Prepare"/>.</summary>
    public TimeSpan LastEmbeddingTime { get; private set; }

    /// <summary>Loads what <see cref="CacheKey"/> depends on (called before every lookup).</summary>
    protected virtual void Initialize(MLContext ml) { }

    /// <summary>Vectors of <paramref name="sentences"/>, row i for sentence i.</summary>
    protected abstract float[][] Compute(MLContext ml, IReadOnlyList<string> sentences);

    /// <summary>Vectors of <paramref name="sentences"/> from memory, the disk cache, or <see cref="Compute"/>.</summary>
    public float[][] Embed(MLContext ml, IReadOnlyList<string> sentences)
    {
        Initialize(ml);
        string hash = Hash(sentences);
        if (_memory.TryGetValue(hash, out var hit)) return hit;
        string? file = CacheKey is null || CacheDirectory is null ? null : Path.Combine(CacheDirectory, hash + ".f32");
        float[][]? vectors = file is not null && File.Exists(file) ? TryReadCache(file, sentences.Count) : null;
        if (vectors is null)
        {
            var sw = Stopwatch.StartNew();
            vectors = Compute(ml, sentences);
            LastEmbeddingTime += sw.Elapsed;
            if (vectors.Length != sentences.Count) throw new InvalidOperationException($"{Name}: {vectors.Length} vectors for {sentences.Count} sentences.");
            if (file is not null) WriteCache(file, vectors);
        }
        _memory[hash] = vectors;
        return vectors;
    }

    public ISentEvalClassifier Prepare(MLContext ml, SentEvalTaskData task, SentEvalOptions options)
    {
        LastEmbeddingTime = TimeSpan.Zero;
        var unique = task.Sentences().Distinct(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(unique.Count, StringComparer.Ordinal);
        for (int i = 0; i < unique.Count; i++) index[unique[i]] = i;
        var vectors = Embed(ml, unique);
        var rows = task.All.Select(e => e.Sentence2 is null
            ? vectors[index[e.Sentence]]
            : PairFeatures(vectors[index[e.Sentence]], vectors[index[e.Sentence2]])).ToArray();
        return DenseFeatureClassifier.ForTask(ml, task, rows, options);
    }

    /// <summary>SentEval's MRPC features: [|u-v|; u*v] (senteval/mrpc.py).</summary>
    public static float[] PairFeatures(float[] u, float[] v)
    {
        if (u.Length != v.Length) throw new ArgumentException($"Vectors of {u.Length} and {v.Length} values.", nameof(v));
        var f = new float[2 * u.Length];
        for (int i = 0; i < u.Length; i++)
        {
            f[i] = Math.Abs(u[i] - v[i]);
            f[u.Length + i] = u[i] * v[i];
        }
        return f;
    }

    private string Hash(IReadOnlyList<string> sentences)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes((CacheKey ?? Name) + "\n"));
        foreach (var s in sentences) sha.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        return Convert.ToHexString(sha.GetHashAndReset())[..32].ToLowerInvariant();
    }

    private static float[][]? TryReadCache(string file, int count)
    {
        using var reader = new BinaryReader(File.OpenRead(file));
        int n = reader.ReadInt32(), dim = reader.ReadInt32();
        if (n != count || dim <= 0 || reader.BaseStream.Length != 8 + 4L * n * dim) return null; // stale or torn: recompute
        var rows = new float[n][];
        var bytes = new byte[4 * dim];
        for (int i = 0; i < n; i++)
        {
            reader.BaseStream.ReadExactly(bytes);
            rows[i] = new float[dim];
            Buffer.BlockCopy(bytes, 0, rows[i], 0, bytes.Length);
        }
        return rows;
    }

    private static void WriteCache(string file, float[][] vectors) => AtomicFile.Write(file, stream =>
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        int dim = vectors.Length == 0 ? 0 : vectors[0].Length;
        writer.Write(vectors.Length);
        writer.Write(dim);
        var bytes = new byte[4 * dim];
        foreach (var v in vectors)
        {
            Buffer.BlockCopy(v, 0, bytes, 0, bytes.Length);
            writer.Write(bytes);
        }
    });

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
