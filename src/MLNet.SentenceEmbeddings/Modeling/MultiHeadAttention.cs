using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Scaled dot-product attention over heads, shared by every architecture here. The projections stay fields of each
/// architecture's own attention module, because their names are the checkpoint keys (query / q_lin / q).
/// </summary>
internal static class MultiHeadAttention
{
    /// <param name="x">(B, T, H) layer input.</param>
    /// <param name="query">Projection to queries (H -> H).</param>
    /// <param name="key">Projection to keys (H -> H).</param>
    /// <param name="value">Projection to values (H -> H).</param>
    /// <param name="mask">
    /// (B, 1, 1, T) bool, true where a key may be attended to; or (B, nh, T, T) float, added to the scaled scores.
    /// </param>
    /// <param name="heads">nh.</param>
    /// <param name="headSize">hs, with nh * hs = H.</param>
    /// <param name="dropout">Dropout on the attention probabilities (0 at inference).</param>
    /// <returns>(B, T, H) context vectors, heads concatenated, before any output projection.</returns>
    public static Tensor Context(Tensor x, Linear query, Linear key, Linear value, Tensor mask, int heads, int headSize, double dropout)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        Tensor Heads(Linear proj) => proj.forward(x).view(b, t, heads, headSize).transpose(1, 2); // (B, nh, T, hs)
        var context = nn.functional.scaled_dot_product_attention(
            Heads(query), Heads(key), Heads(value), mask, p: dropout); // (B, nh, T, hs)
        return context.transpose(1, 2).reshape(b, t, heads * headSize).MoveToOuterDisposeScope(); // (B, T, H)
    }

    /// <summary>(B, 1, 1, T) bool key mask from a (B, T) attention mask, 1 for real tokens.</summary>
    public static Tensor KeyMask(Tensor attentionMask) => attentionMask.to_type(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
}
