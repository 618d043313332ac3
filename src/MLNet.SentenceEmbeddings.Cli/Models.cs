using MLNet.SentenceEmbeddings.CrossEncoding;

namespace MLNet.SentenceEmbeddings.Cli;

/// <summary>
/// Where the user commands load models: one place to adapt when the core's loading API changes (the reproduction
/// tables and benchmarks keep their own calls, which pin exact experimental settings).
/// </summary>
public static class Models
{
    /// <summary>A bi-encoder: "default", "minilm", "arctic-xs" or a sentence-transformers folder, with the given options.</summary>
    public static SentenceEncoder LoadEncoder(string model, SentenceEncoderOptions? options = null) => SentenceEncoder.Load(model, options);

    /// <summary>
    /// A cross-encoder saved by <c>CrossEncoder.Save</c> (a BertForSequenceClassification folder), or an embedded name,
    /// which gets a new, untrained one-label head (scores are then meaningless until trained).
    /// </summary>
    public static CrossEncoder LoadCrossEncoder(string model, SentenceEncoderOptions? options = null) => CrossEncoder.Load(model, numLabels: null, options);

    /// <summary>Whether <paramref name="model"/> names a folder rather than an embedded model.</summary>
    public static bool IsFolder(string model) => Directory.Exists(model);
}
