using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings;

/// <summary>Numeric precision of the encoder's forward pass.</summary>
public enum Precision
{
    /// <summary>32-bit floats everywhere (the default; equal to the reference).</summary>
    Float32,
    /// <summary>
    /// bfloat16 weights and activations in the encoder, float32 pooling. Faster than <see cref="Float32"/> only where
    /// the CPU's bf16 matrix multiply beats its float32 one (AMX, or cores that issue VDPBF16PS at the FMA rate); the
    /// AVX512_BF16 flag alone does not promise it: on the team's 2-core Xeon it runs at ~0.65x of float32.
    /// <see cref="MatmulProbe.BFloat16VsFloat32"/> measures the machine; docs/benchmarks.md gives the measured speed
    /// and the STSb Spearman cost.
    /// </summary>
    BFloat16,
}

/// <summary>How a <see cref="SentenceEncoder"/> runs. Every property has a working default.</summary>
public sealed class SentenceEncoderOptions
{
    /// <summary>Sentences per forward pass. 32 was fastest on 2 CPU cores (larger batches pad more).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Intra-op threads for TorchSharp (torch.set_num_threads); null leaves libtorch's default (one per core).
    /// This is a process-wide libtorch setting: the last encoder created with a value wins.
    /// </summary>
    public int? Threads { get; set; }

    public Precision Precision { get; set; } = Precision.Float32;

    /// <summary>"cpu" (default), "cuda" or "cuda:N". CUDA needs the build with -p:TorchBackend=cuda.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Overrides the model's max_seq_length (tokens, [CLS] and [SEP] included); null keeps the model's.</summary>
    public int? MaxSequenceLength { get; set; }

    /// <summary>Overrides the model's pooling; null keeps the model's.</summary>
    public PoolingMode? Pooling { get; set; }

    /// <summary>Overrides whether sentence vectors are L2-normalised; null keeps the model's.</summary>
    public bool? Normalize { get; set; }

    /// <summary>Smart batching: sort by length before batching (true by default; false only for the ablation).</summary>
    public bool SortByLength { get; set; } = true;

    /// <summary>Receives one line per notable event (conversion, truncation totals); null for silence.</summary>
    public Action<string>? Log { get; set; }

    internal SentenceEncoderOptions Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be at least 1 (or null for libtorch's default).");
        if (MaxSequenceLength is < 2) throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength, "MaxSequenceLength must be at least 2 ([CLS] and [SEP]).");
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("Device must be \"cpu\", \"cuda\" or \"cuda:N\".", nameof(Device));
        return this;
    }

    public SentenceEncoderOptions Clone() => (SentenceEncoderOptions)MemberwiseClone();
}
