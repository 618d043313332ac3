namespace MLNet.SentenceEmbeddings;

/// <summary>Numeric precision of an encoder's forward pass.</summary>
public enum Precision
{
    /// <summary>32-bit floats everywhere (the default; equal to the reference).</summary>
    Float32,
    /// <summary>
    /// bfloat16 weights and activations in the transformer, float32 pooling. Faster than <see cref="Float32"/> only where
    /// the CPU's bf16 matrix multiply beats its float32 one (AMX, or cores that issue VDPBF16PS at the FMA rate); the
    /// AVX512_BF16 flag alone does not promise it. <see cref="MatmulProbe.BFloat16VsFloat32"/> measures the machine;
    /// docs/benchmarks.md gives the measured speed and the STSb Spearman cost.
    /// </summary>
    BFloat16,
    /// <summary>
    /// Dynamic int8 on ONNX Runtime (<see cref="InferenceBackend.OnnxRuntime"/> only): Linear weights int8 per output
    /// channel, their inputs quantized per batch; about 2.5x float32 on ONNX Runtime, with a small quality cost
    /// (docs/onnx.md gives the measured figures).
    /// </summary>
    Int8,
}

/// <summary>
/// Where a model comes from and how it runs: what the bi-encoder (<see cref="SentenceEncoderOptions"/> adds pooling
/// and normalisation) and the cross-encoder share. Every property has a working default.
/// </summary>
public class EncoderOptions
{
    /// <summary>Sentences (or pairs) per forward pass. 32 was fastest on 2 CPU cores (larger batches pad more).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Intra-op threads for TorchSharp (torch.set_num_threads); null leaves libtorch's default (one per core).
    /// This is a process-wide libtorch setting: the last encoder created with a value wins. With
    /// <see cref="SentenceEncoderOptions.Backend"/> OnnxRuntime it is also the ONNX Runtime session's intra-op thread count.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>Float32 (default), BFloat16 (TorchSharp only) or Int8 (ONNX Runtime only, <see cref="SentenceEncoderOptions.Backend"/>).</summary>
    public Precision Precision { get; set; } = Precision.Float32;

    /// <summary>"cpu" (default), "cuda" or "cuda:N". CUDA needs the build with -p:TorchBackend=cuda.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// Keep the memory libtorch frees in the process heap once a model is placed on the CPU (glibc on Linux). Every
    /// batch and training step frees and re-allocates the same large buffers; handed back to the kernel, they were
    /// faulted in again page by page, about a hundred page faults per sentence encoded and tens of thousands per
    /// training step, which on a virtual machine cost a large part of the time (docs/benchmarks.md, docs/training.md).
    /// Process-wide and permanent once applied, as glibc's settings are: the heap then stays at its peak instead of
    /// shrinking. false leaves glibc alone (for a process whose other work needs memory back between bursts).
    /// </summary>
    public bool KeepFreedMemory { get; set; } = true;

    /// <summary>Overrides the model's max_seq_length (tokens, special tokens included); null keeps the model's.</summary>
    public int? MaxSequenceLength { get; set; }

    /// <summary>Smart batching: sort by length before batching (true by default; false only for the ablation).</summary>
    public bool SortByLength { get; set; } = true;

    /// <summary>
    /// How a Hugging Face Hub id is fetched (revision, token, endpoint, cache, offline, progress); null uses "main" and
    /// huggingface_hub's environment variables. Ignored for folders and embedded models.
    /// </summary>
    public Hub.HubDownloadOptions? Hub { get; set; }

    /// <summary>Receives one line per notable event (conversion, download, truncation totals); null for silence.</summary>
    public Action<string>? Log { get; set; }

    internal virtual void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be at least 1 (or null for libtorch's default).");
        if (MaxSequenceLength is < 2) throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength), MaxSequenceLength, "MaxSequenceLength must be at least 2 (room for the special tokens).");
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("Device must be \"cpu\", \"cuda\" or \"cuda:N\".", nameof(Device));
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "Precision must be Float32, BFloat16 or Int8.");
        if (Precision == Precision.Int8 && !RunsOnOnnxRuntime)
            throw new ArgumentException("Precision Int8 runs on ONNX Runtime only: set SentenceEncoderOptions.Backend = InferenceBackend.OnnxRuntime (TorchSharp runs Float32 or BFloat16).", nameof(Precision));
    }

    /// <summary>Whether inference runs on ONNX Runtime (only a bi-encoder's options can say so).</summary>
    internal virtual bool RunsOnOnnxRuntime => false;

    /// <summary>A copy (the encoder keeps its own, so later changes to this object do not reach it).</summary>
    public EncoderOptions Clone() => (EncoderOptions)MemberwiseClone();

    /// <summary>A validated copy of <paramref name="options"/>, or the defaults.</summary>
    internal static T Checked<T>(T? options) where T : EncoderOptions, new()
    {
        var copy = (T)(options ?? new T()).Clone();
        copy.Validate();
        return copy;
    }
}
