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

    /// <summary>What the examples' label means: nothing, a class index or a score.</summary>
    LabelKind Labels { get; }

    /// <summary>Null when <paramref name="label"/> suits this objective, else what was expected (for error messages).</summary>
    string? CheckLabel(double label);

    /// <summary>
    /// True: the trainer hands this loss the sentence vectors before a trailing Normalize module (the pooled, or Dense,
    /// output), as SBERT's classification and triplet objectives were defined on unnormalised vectors. False (the
    /// default): the encoder's full output. Cosine-based losses are unaffected by the choice.
    /// </summary>
    bool BeforeNormalize => false;

    /// <summary>The loss's own trainable parameters (for example the softmax classifier); empty for most.</summary>
    IEnumerable<TorchSharp.Modules.Parameter> Parameters { get; }

    /// <param name="embeddings">One (B, dim) tensor per column.</param>
    /// <param name="labels">(B) labels or scores unless <see cref="Labels"/> is <see cref="LabelKind.None"/>, else null.</param>
    /// <returns>A scalar loss, averaged over the batch.</returns>
    Tensor Compute(IReadOnlyList<Tensor> embeddings, Tensor? labels);
}
