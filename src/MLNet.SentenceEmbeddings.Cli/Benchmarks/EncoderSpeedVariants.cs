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

    /// <summary>Sentences/s of each variant (<see cref="InterleavedRounds.Measure"/>).</summary>
    public static Dictionary<string, double> Measure(IReadOnlyList<(string Name, Func<IReadOnlyList<string?>, float[][]> Encode)> variants,
        IReadOnlyList<string?> sentences, int rounds, Action<string> log) =>
        InterleavedRounds.Measure(variants.Select(v => (v.Name, (Action<IReadOnlyList<string?>>)(s => v.Encode(s)))).ToList(), sentences, rounds, log);

    public void Dispose()
    {
        _ort.Dispose();
        foreach (var e in _encoders) e.Dispose();
    }
}
