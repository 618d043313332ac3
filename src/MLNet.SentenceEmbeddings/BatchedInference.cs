using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// The inference loop the bi-encoder and the cross-encoder share: tokenized inputs -> length-sorted batches (smart
/// batching, SBERT Section 7) -> padding -> one forward pass per batch -> rows written back in the original order.
/// </summary>
internal static class BatchedInference
{
    /// <param name="inputs">Tokenized inputs, in the caller's order.</param>
    /// <param name="width">Floats per output row.</param>
    /// <param name="options">Batch size and whether to sort by length.</param>
    /// <param name="padTokenId">Fills padded positions.</param>
    /// <param name="device">Where the batch tensors go.</param>
    /// <param name="forward">(B, T) tokens -> (B, <paramref name="width"/>) outputs.</param>
    /// <param name="destination">n x <paramref name="width"/> floats, row-major.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    public static void Run(IReadOnlyList<TokenizedInput> inputs, int width, EncoderOptions options, int padTokenId, Device device,
        Func<TokenBatch, Tensor> forward, Span<float> destination, CancellationToken cancellationToken)
    {
        if (destination.Length < (long)inputs.Count * width)
            throw new ArgumentException($"destination holds {destination.Length} floats; {inputs.Count} x {width} needed.", nameof(destination));
        using var inference = torch.inference_mode();
        foreach (var batch in LengthSortedBatches.Create(inputs, options.BatchSize, options.SortByLength))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = torch.NewDisposeScope();
            var rows = new TokenizedInput[batch.Length];
            for (int r = 0; r < rows.Length; r++) rows[r] = inputs[batch[r]];
            using var tokens = TokenBatch.Pad(rows, padTokenId, device);
            var output = forward(tokens).to_type(ScalarType.Float32).cpu().contiguous();
            var values = output.data<float>();
            for (int r = 0; r < batch.Length; r++)
            {
                var row = destination.Slice(batch[r] * width, width);
                for (int c = 0; c < width; c++) row[c] = values[r * width + c];
            }
        }
    }
}
