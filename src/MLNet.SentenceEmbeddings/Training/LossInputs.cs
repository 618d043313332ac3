using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Training;

/// <summary>The argument checks every loss shares, with messages that name the loss and what it expected.</summary>
internal static class LossInputs
{
    public static void Check(IReadOnlyList<Tensor> embeddings, int columns, Tensor? labels, bool needsLabels, string loss)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.Count != columns)
            throw new ArgumentException($"{loss} expects {columns} sentence column(s) per example, got {embeddings.Count}.", nameof(embeddings));
        long batch = embeddings[0].shape[0];
        if (embeddings.Any(e => e.dim() != 2 || e.shape[0] != batch))
            throw new ArgumentException($"{loss} expects (batch, dim) embeddings with the same batch size in every column.", nameof(embeddings));
        if (needsLabels && labels is null) throw new ArgumentNullException(nameof(labels), $"{loss} needs a label or score per example.");
        if (needsLabels && labels!.shape[0] != batch)
            throw new ArgumentException($"{loss}: {labels.shape[0]} labels for a batch of {batch}.", nameof(labels));
    }
}
