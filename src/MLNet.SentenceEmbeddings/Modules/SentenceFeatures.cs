using MLNet.SentenceEmbeddings.Tokenization;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// What flows through a sentence encoder's modules for one batch (sentence-transformers' features dict): the padded
/// tokens, then token embeddings (after the Transformer), then the sentence embedding (after Pooling; Dense and
/// Normalize rewrite it). Tensors belong to the caller's dispose scope.
/// </summary>
public sealed class SentenceFeatures
{
    public SentenceFeatures(TokenBatch tokens, int promptLength = 0)
    {
        Tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        PromptLength = promptLength;
    }

    public TokenBatch Tokens { get; }

    /// <summary>(B, T, H) contextual token vectors.</summary>
    public Tensor? TokenEmbeddings { get; set; }

    /// <summary>
    /// The embeddings' output, then each layer's, (B, T, H) each (sentence-transformers' all_layer_embeddings); set only
    /// by a Transformer whose <see cref="TransformerModule.OutputHiddenStates"/> is on.
    /// </summary>
    public IReadOnlyList<Tensor>? AllLayerEmbeddings { get; set; }

    /// <summary>(B, D) sentence vectors, float32.</summary>
    public Tensor? SentenceEmbedding { get; set; }

    /// <summary>
    /// Leading tokens that belong to a prompt (the first special token included, as sentence-transformers counts them);
    /// Pooling leaves them out when its include_prompt is false.
    /// </summary>
    public int PromptLength { get; }
}
