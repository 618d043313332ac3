namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>What the exported ONNX graph ends with.</summary>
public enum OnnxExportOutput
{
    /// <summary>The whole encoder: output <c>sentence_embedding</c> (batch, dimension), pooling, Dense and Normalize inside.</summary>
    SentenceEmbedding,
    /// <summary>
    /// The transformer alone: output <c>last_hidden_state</c> (batch, sequence, hidden), what sentence-transformers'
    /// ONNX backend (through optimum) loads from <c>onnx/model.onnx</c> and pools itself.
    /// </summary>
    TokenEmbeddings,
}

/// <summary>How <see cref="OnnxExporter"/> writes a graph. Every property has a working default.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>float32 (default, standard operators) or dynamic int8 (for ONNX Runtime unless <see cref="StandardOperatorsOnly"/>).</summary>
    public OnnxPrecision Precision { get; set; } = OnnxPrecision.Float32;

    /// <summary>The sentence embedding (default) or the transformer's token vectors.</summary>
    public OnnxExportOutput Output { get; set; } = OnnxExportOutput.SentenceEmbedding;

    /// <summary>
    /// Store the WordPiece vocabulary in the metadata (default true), so that <see cref="OnnxSentenceEncoder.Load"/>
    /// needs nothing but the file. About 230 KB for a BERT vocabulary.
    /// </summary>
    public bool IncludeVocabulary { get; set; } = true;

    /// <summary>
    /// int8 only: 7-bit weights for x86 CPUs without VNNI, whose int8 instruction (AVX2 vpmaddubsw) can saturate with
    /// full-range weights. Off by default: CPUs with AVX512-VNNI / AVX-VNNI and ARM compute exactly either way.
    /// </summary>
    public bool ReduceRange { get; set; }

    /// <summary>
    /// int8 only: standard ONNX operators throughout, so that any ONNX runtime runs the file. By default each
    /// self-attention becomes ONNX Runtime's QAttention operator, which ran the int8 graph ~25% faster on two threads
    /// (docs/onnx.md); the float32 graph is standard either way.
    /// </summary>
    public bool StandardOperatorsOnly { get; set; }

    internal OnnxExportOptions Clone() => (OnnxExportOptions)MemberwiseClone();
}
