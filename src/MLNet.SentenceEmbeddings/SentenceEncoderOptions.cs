using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings;

/// <summary>How a <see cref="SentenceEncoder"/> is loaded and runs: <see cref="EncoderOptions"/> plus the bi-encoder's own overrides.</summary>
public sealed class SentenceEncoderOptions : EncoderOptions
{
    /// <summary>Replaces the modes of the model's Pooling module; null keeps the model's.</summary>
    public PoolingMode? Pooling { get; set; }

    /// <summary>
    /// Token vectors as a weighted mean of the transformer's hidden states instead of its last layer: one weight per
    /// hidden state, the embeddings' output first, then each layer (L + 1 values; zero leaves a state out). A
    /// WeightedLayerPooling module goes between the Transformer and Pooling, replacing the model's own if it has one.
    /// Null keeps the model's. Example for a 6-layer model, the first and last layers averaged: 0, 1, 0, 0, 0, 0, 1.
    /// </summary>
    public float[]? LayerWeights { get; set; }

    /// <summary>true appends a Normalize module when the model has none; false removes it; null keeps the model's.</summary>
    public bool? Normalize { get; set; }

    /// <summary>
    /// What runs inference: TorchSharp (default) or ONNX Runtime (the encoder exported in memory when it is loaded;
    /// <see cref="EncoderOptions.Precision"/> Float32 or Int8, CPU only). Training always runs on TorchSharp. To run an
    /// exported file without TorchSharp, use <see cref="Onnx.OnnxSentenceEncoder"/>, which ignores this property.
    /// </summary>
    public InferenceBackend Backend { get; set; } = InferenceBackend.TorchSharp;

    internal override bool RunsOnOnnxRuntime => Backend == InferenceBackend.OnnxRuntime;

    internal override void Validate()
    {
        if (!Enum.IsDefined(Backend)) throw new ArgumentOutOfRangeException(nameof(Backend), Backend, "Backend must be TorchSharp or OnnxRuntime.");
        base.Validate();
        if (Backend != InferenceBackend.OnnxRuntime) return;
        if (Precision == Precision.BFloat16)
            throw new ArgumentException("Precision BFloat16 runs on TorchSharp only; with Backend = OnnxRuntime use Float32 or Int8.", nameof(Precision));
        if (!string.Equals(Device, "cpu", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"Device '{Device}': Backend = OnnxRuntime runs on the CPU only.", nameof(Device));
    }

    /// <summary>A copy (the encoder keeps its own).</summary>
    public new SentenceEncoderOptions Clone() => (SentenceEncoderOptions)MemberwiseClone();
}
