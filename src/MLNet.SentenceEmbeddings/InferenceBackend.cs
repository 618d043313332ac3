namespace MLNet.SentenceEmbeddings;

/// <summary>What runs a <see cref="SentenceEncoder"/>'s inference (<see cref="SentenceEncoderOptions.Backend"/>).</summary>
public enum InferenceBackend
{
    /// <summary>TorchSharp (libtorch): the default, and always the training engine. float32 or bfloat16.</summary>
    TorchSharp,

    /// <summary>
    /// ONNX Runtime on the CPU: the encoder is exported to one ONNX graph when it is loaded (pooling, Dense and Normalize
    /// inside; float32, or dynamic int8 with <see cref="Precision.Int8"/>) and Encode runs that graph. Training still
    /// runs on TorchSharp; the graph is exported again before the next Encode after the weights changed.
    /// </summary>
    OnnxRuntime,
}
