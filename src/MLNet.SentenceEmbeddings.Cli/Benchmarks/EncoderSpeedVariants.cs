using System.Diagnostics;
using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>
/// The pipelines a speed comparison runs on one embedded model: ONNX Runtime on its packaged ONNX file and this
/// library's encoder in fp32 and bf16, each with length-sorted batches (smart batching, SBERT Section 7) and without.
/// </summary>
public sealed class EncoderSpeedVariants : IDisposable
{
    private readonly OnnxReferenceEncoder _ort;
    private readonly List<SentenceEncoder> _encoders = new();

    public EncoderSpeedVariants(PretrainedModel model, int threads, int batchSize)
    {
        _ort = new OnnxReferenceEncoder(model, threads);
        SentenceEncoder Load(Precision p, bool sorted)
        {
            var e = SentenceEncoder.Load(model.Name, new SentenceEncoderOptions { Precision = p, Threads = threads, BatchSize = batchSize, SortByLength = sorted });
            _encoders.Add(e);
            return e;
        }
        var fp32 = Load(Precision.Float32, true);
        var bf16 = Load(Precision.BFloat16, true);
        var fp32Unsorted = Load(Precision.Float32, false);
        var bf16Unsorted = Load(Precision.BFloat16, false);
        Sorted = new (string, Func<IReadOnlyList<string?>, float[][]>)[]
        {
            ("ONNX Runtime fp32 (sorted)", s => _ort.Encode(s, batchSize)),
            ("TorchSharp fp32 (sorted)", s => fp32.Encode(s)),
            ("TorchSharp bf16 (sorted)", s => bf16.Encode(s)),
        };
        Unsorted = new (string, Func<IReadOnlyList<string?>, float[][]>)[]
        {
            ("ONNX Runtime fp32 (unsorted)", s => _ort.Encode(s, batchSize, sorted: false)),
            ("TorchSharp fp32 (unsorted)", s => fp32Unsorted.Encode(s)),
            ("TorchSharp bf16 (unsorted)", s => bf16Unsorted.Encode(s)),
        };
    }

    public IReadOnlyList<(string Name, Func<IReadOnlyList<string?>, float[][]> Encode)> Sorted { get; }
    public IReadOnlyList<(string Name, Func<IReadOnlyList<string?>, float[][]> Encode)> Unsorted { get; }

    /// <summary>
    /// Sentences/s of each variant: a warm-up on 256 sentences (allocator, kernels, caches), then
    /// <paramref name="rounds"/> interleaved rounds so that all variants share the machine's state; the median round counts.
    /// </summary>
    public static Dictionary<string, double> Measure(IReadOnlyList<(string Name, Func<IReadOnlyList<string?>, float[][]> Encode)> variants,
        IReadOnlyList<string?> sentences, int rounds, Action<string> log)
    {
        foreach (var v in variants) v.Encode(sentences.Take(256).ToList());
        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            foreach (var v in variants)
            {
                var sw = Stopwatch.StartNew();
                v.Encode(sentences);
                times[v.Name].Add(sw.Elapsed.TotalSeconds);
                log($"round {r + 1}/{rounds}: {v.Name,-28} {sentences.Count / sw.Elapsed.TotalSeconds,8:F1} sentences/s");
            }
        }
        return times.ToDictionary(kv => kv.Key, kv => sentences.Count / Median(kv.Value));
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    public void Dispose()
    {
        _ort.Dispose();
        foreach (var e in _encoders) e.Dispose();
    }
}
