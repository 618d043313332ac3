using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// A padded batch ready for the encoder: (B, T) int64 tensors, padded only to the longest input of this batch
/// (dynamic padding). The caller owns the tensors (dispose the batch or let a DisposeScope take them).
/// </summary>
public sealed class TokenBatch : IDisposable
{
    public TokenBatch(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask)
    {
        InputIds = inputIds;
        TokenTypeIds = tokenTypeIds;
        AttentionMask = attentionMask;
    }

    public Tensor InputIds { get; }
    public Tensor TokenTypeIds { get; }
    public Tensor AttentionMask { get; }
    public long Size => InputIds.shape[0];

    /// <summary>Pads <paramref name="inputs"/> to their longest length with <paramref name="padId"/> and builds the mask.</summary>
    public static TokenBatch Pad(IReadOnlyList<TokenizedInput> inputs, int padId, Device? device = null)
    {
        if (inputs.Count == 0) throw new ArgumentException("A batch needs at least one input.", nameof(inputs));
        int b = inputs.Count, t = inputs.Max(i => i.Length);
        var ids = new long[b * t];
        var types = new long[b * t];
        var mask = new long[b * t];
        for (int r = 0; r < b; r++)
        {
            var input = inputs[r];
            int o = r * t;
            for (int c = 0; c < t; c++)
            {
                bool real = c < input.Length;
                ids[o + c] = real ? input.InputIds[c] : padId;
                types[o + c] = real ? input.TokenTypeIds[c] : 0;
                mask[o + c] = real ? 1 : 0;
            }
        }
        long[] shape = { b, t };
        return new TokenBatch(tensor(ids, shape, device: device), tensor(types, shape, device: device), tensor(mask, shape, device: device));
    }

    public void Dispose()
    {
        InputIds.Dispose();
        TokenTypeIds.Dispose();
        AttentionMask.Dispose();
    }
}
