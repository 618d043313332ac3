using Microsoft.ML;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// Options of <see cref="SentenceEmbeddingEstimator"/>: which columns, which model, which prompt. How the encoder is
/// loaded and runs (pooling, normalisation, maximum length, batch size, precision, threads, device, revision) is the
/// core's <see cref="SentenceEncoderOptions"/>, set through <see cref="Encoder"/>.
/// </summary>
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

    /// <summary>"default", "minilm", "arctic-xs", a Hugging Face Hub id, or the path of a sentence-transformers folder. Ignored when <see cref="EncoderInstance"/> is set.</summary>
    public string Model { get; set; } = Defaults.Model;

    /// <summary>
    /// How the encoder named by <see cref="Model"/> is loaded and runs, including the inference backend
    /// (<see cref="SentenceEncoderOptions.Backend"/>: TorchSharp, or ONNX Runtime in float32 or int8), which the saved
    /// model zip keeps.
    /// </summary>
    public SentenceEncoderOptions Encoder { get; set; } = new();

    /// <summary>An encoder instance to use as is (for example one just fine-tuned). The transformer does not dispose it.</summary>
    public SentenceEncoder? EncoderInstance { get; set; }

    /// <summary>The prompt before each text (for example <c>Prompt.Named("query")</c>); unset uses the model's default prompt, if any.</summary>
    public Prompt Prompt { get; set; }

    /// <summary>Stops a running Transform between batches.</summary>
    public CancellationToken CancellationToken { get; set; }
}
