using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Pooling;

/// <summary>
/// Turns (B, T, H) token vectors and a (B, T) attention mask into (B, k*H) sentence vectors, k = number of modes,
/// optionally L2-normalised. Padding never takes part (mask-aware MEAN and MAX), so the result does not depend on
/// how sentences were batched.
/// </summary>
public sealed class PoolingLayer : nn.Module<Tensor, Tensor, Tensor>
{
    public PoolingLayer(int wordEmbeddingDimension, PoolingMode mode, bool normalize) : base(nameof(PoolingLayer))
    {
        if (mode == 0) throw new ArgumentException("At least one pooling mode is required.", nameof(mode));
        WordEmbeddingDimension = wordEmbeddingDimension;
        Mode = mode;
        Normalize = normalize;
    }

    public int WordEmbeddingDimension { get; }
    public PoolingMode Mode { get; }
    public bool Normalize { get; }

    /// <summary>Width of the sentence vector: the word-embedding width times the number of modes.</summary>
    public int SentenceEmbeddingDimension => WordEmbeddingDimension * PoolingModes.Parts(Mode).Count();

    /// <param name="tokens">(B, T, H) token vectors.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <returns>(B, k*H) float32 (pooling runs in float32 even when the encoder runs in bf16).</returns>
    public override Tensor forward(Tensor tokens, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var x = tokens.to_type(ScalarType.Float32);
        var mask = attentionMask.to_type(ScalarType.Float32).unsqueeze(-1); // (B, T, 1)
        var parts = new List<Tensor>();
        foreach (var m in PoolingModes.Parts(Mode))
        {
            parts.Add(m switch
            {
                PoolingMode.Cls => x[.., 0, ..],
                // Padding positions get -inf-like values so they never win the max.
                PoolingMode.Max => x.masked_fill(mask.eq(0), float.MinValue).amax(new long[] { 1 }),
                PoolingMode.Mean => (x * mask).sum(1) / mask.sum(1).clamp_min(1e-9),
                _ => (x * mask).sum(1) / mask.sum(1).clamp_min(1e-9).sqrt(),
            });
        }
        var pooled = parts.Count == 1 ? parts[0] : cat(parts, 1);
        if (Normalize) pooled = nn.functional.normalize(pooled, p: 2, dim: 1);
        return pooled.MoveToOuterDisposeScope();
    }
}
