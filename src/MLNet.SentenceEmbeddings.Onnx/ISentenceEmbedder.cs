using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// Text in, sentence vectors out, whatever runs the model: what the ML.NET transform, the embedding generator and
/// <c>sbert embed</c> need from an encoder. <see cref="Onnx.OnnxSentenceEncoder"/> (ONNX Runtime) implements it;
/// <see cref="SentenceEncoder"/> (TorchSharp) has the same members.
/// </summary>
public interface ISentenceEmbedder : IDisposable
{
    /// <summary>Width of the sentence vectors.</summary>
    int Dimension { get; }

    /// <summary>Where the model came from (a folder, a file, a package resource).</summary>
    string Source { get; }

    /// <summary>The tokenizer that turns text into the model's input.</summary>
    SentenceTokenizer Tokenizer { get; }

    /// <summary>Forward passes run so far (one per batch).</summary>
    long ForwardPasses { get; }

    /// <summary>Inputs truncated to the maximum sequence length so far.</summary>
    long TruncatedCount { get; }

    /// <summary>Embeds <paramref name="sentences"/>; row i is sentence i. A null sentence is embedded as "".</summary>
    float[][] Encode(IReadOnlyList<string?> sentences, CancellationToken cancellationToken = default);

    /// <summary>Embeds into <paramref name="destination"/> (row-major, n x <see cref="Dimension"/>).</summary>
    void Encode(IReadOnlyList<string?> sentences, Span<float> destination, CancellationToken cancellationToken = default);

    /// <summary>Embeds pre-tokenized inputs into <paramref name="destination"/> (row-major, original order).</summary>
    void EncodeTokenized(IReadOnlyList<TokenizedInput> inputs, Span<float> destination, CancellationToken cancellationToken = default);
}
