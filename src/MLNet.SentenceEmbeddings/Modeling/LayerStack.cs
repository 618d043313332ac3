using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Runs transformer layers in order, shared by every architecture's layer stack.</summary>
internal static class LayerStack
{
    /// <summary>
    /// Feeds <paramref name="x"/> through each layer with the same <paramref name="mask"/>. Each layer's output
    /// replaces the previous one at once, so inference holds one layer's activations.
    /// </summary>
    /// <returns>(B, T, H); a new tensor even when there are no layers (the caller owns it, not <paramref name="x"/>).</returns>
    public static Tensor Run<TLayer>(Tensor x, IEnumerable<TLayer> layers, Tensor mask)
        where TLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        var h = x;
        foreach (var layer in layers)
        {
            var next = layer.forward(h, mask);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? h.alias() : h;
    }
}
