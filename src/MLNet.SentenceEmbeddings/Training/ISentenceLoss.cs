using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// A training objective over sentence embeddings. The trainer embeds each input column with the shared encoder
/// (the Siamese / triplet branches share weights, SBERT Section 3) and hands the embeddings here, so every loss can
/// also be called on hand-made tensors.
/// </summary>
public interface ISentenceLoss
{
    /// <summary>How many sentence columns one example has (2 for pairs, 3 for triplets).</summary>
    int Columns { get; }

    /// <summary>Whether examples carry a label (class index) or score.</summary>
    bool NeedsLabels { get; }

    /// <summary>The loss's own trainable parameters (for example the softmax classifier); empty for most.</summary>
    IEnumerable<TorchSharp.Modules.Parameter> Parameters { get; }

    /// <param name="embeddings">One (B, dim) tensor per column.</param>
    /// <param name="labels">(B) labels or scores when <see cref="NeedsLabels"/>, else null.</param>
    /// <returns>A scalar loss, averaged over the batch.</returns>
    Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels);
}
