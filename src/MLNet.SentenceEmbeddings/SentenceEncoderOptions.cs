using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings;

/// <summary>How a <see cref="SentenceEncoder"/> is loaded and runs: <see cref="EncoderOptions"/> plus the bi-encoder's own overrides.</summary>
public sealed class SentenceEncoderOptions : EncoderOptions
{
    /// <summary>Replaces the modes of the model's Pooling module; null keeps the model's.</summary>
    public PoolingMode? Pooling { get; set; }

    /// <summary>true appends a Normalize module when the model has none; false removes it; null keeps the model's.</summary>
    public bool? Normalize { get; set; }

    /// <summary>A copy (the encoder keeps its own).</summary>
    public new SentenceEncoderOptions Clone() => (SentenceEncoderOptions)MemberwiseClone();
}
