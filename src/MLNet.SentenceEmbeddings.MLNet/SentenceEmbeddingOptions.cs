using Microsoft.ML;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>Options of <see cref="SentenceEmbeddingEstimator"/>. Every property but the columns has a working default.</summary>
public sealed class SentenceEmbeddingOptions
{
    /// <summary>Defaults of the simple overloads.</summary>
    public static class Defaults
    {
        public const string Model = "default";
        public const int BatchSize = 32;
    }

    /// <summary>Output/input column pairs; each input must be a text column, each output becomes a Vector&lt;Single, dim&gt;.</summary>
    public InputOutputColumnPair[] Columns { get; set; } = Array.Empty<InputOutputColumnPair>();

    /// <summary>"default", "minilm", "arctic-xs", or the path of a sentence-transformers folder. Ignored when <see cref="Encoder"/> is set.</summary>
    public string Model { get; set; } = Defaults.Model;

    /// <summary>An encoder instance to use as is (for example one just fine-tuned). The transformer does not dispose it.</summary>
    public SentenceEncoder? Encoder { get; set; }

    public PoolingMode? Pooling { get; set; }
    public bool? Normalize { get; set; }
    public int? MaxSequenceLength { get; set; }
    public int BatchSize { get; set; } = Defaults.BatchSize;
    public Precision Precision { get; set; } = Precision.Float32;
    public int? Threads { get; set; }
    public string Device { get; set; } = "cpu";

    /// <summary>Stops a running Transform between batches.</summary>
    public CancellationToken CancellationToken { get; set; }

    internal SentenceEncoderOptions ToEncoderOptions() => new()
    {
        Pooling = Pooling, Normalize = Normalize, MaxSequenceLength = MaxSequenceLength, BatchSize = BatchSize,
        Precision = Precision, Threads = Threads, Device = Device,
    };
}
