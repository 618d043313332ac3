namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>
/// The contract of an exported sentence-encoder graph: its input and output names and the file names the exporter
/// writes (what a client in any language feeds and reads).
/// </summary>
public static class OnnxGraphNames
{
    /// <summary>(batch, sequence) int64 token ids, special tokens included, padded with the tokenizer's pad id.</summary>
    public const string InputIds = "input_ids";
    /// <summary>(batch, sequence) int64, 1 for real tokens and 0 for padding.</summary>
    public const string AttentionMask = "attention_mask";
    /// <summary>(batch, sequence) int64 segment ids (0 for a single sentence).</summary>
    public const string TokenTypeIds = "token_type_ids";
    /// <summary>(batch, dimension) float32: the sentence vectors, pooling, Dense and Normalize applied.</summary>
    public const string SentenceEmbedding = "sentence_embedding";
    /// <summary>(batch, sequence, hidden) float32: the transformer's token vectors (the sentence-transformers layout).</summary>
    public const string LastHiddenState = "last_hidden_state";

    /// <summary>The file name <c>sbert export</c> writes into its output folder: model.onnx, or model_int8.onnx.</summary>
    public static string DefaultFileName(OnnxPrecision precision) => precision == OnnxPrecision.Int8 ? "model_int8.onnx" : "model.onnx";
}
