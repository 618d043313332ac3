using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Runs transformer layers in order, shared by every architecture's layer stack.</summary>
internal static class LayerStack
{
    /// <summary>
    /// Feeds <paramref name="x"/> through each layer with the same <paramref name="mask"/>. Each layer's output
    /// replaces the previous one at once, so inference holds one layer's activations.
    /// </summary>
    /// <param name="x">(B, T, H) the first layer's input.</param>
    /// <param name="layers">The layers, in order.</param>
    /// <param name="mask">What every layer's attention takes besides its input (a key mask or a score bias).</param>
    /// <param name="hiddenStates">When given, receives <paramref name="x"/> and then every layer's output (aliases the
    /// caller owns), as Hugging Face's output_hidden_states lists them; null keeps only the running layer.</param>
    /// <returns>(B, T, H); a new tensor even when there are no layers (the caller owns it, not <paramref name="x"/>).</returns>
    public static Tensor Run<TLayer>(Tensor x, IEnumerable<TLayer> layers, Tensor mask, List<Tensor>? hiddenStates = null)
        where TLayer : nn.Module<Tensor, Tensor, Tensor> => Run(x, layers, _ => mask, hiddenStates);

    /// <summary>The same, each layer with its own mask: <paramref name="maskOfLayer"/> of its index, from 0.</summary>
    public static Tensor Run<TLayer>(Tensor x, IEnumerable<TLayer> layers, Func<int, Tensor> maskOfLayer, List<Tensor>? hiddenStates = null)
        where TLayer : nn.Module<Tensor, Tensor, Tensor>
    {
        hiddenStates?.Add(x.alias());
        var h = x;
        int index = 0;
        foreach (var layer in layers)
        {
            var next = layer.forward(h, maskOfLayer(index++));
            hiddenStates?.Add(next.alias());
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? h.alias() : h;
    }
}
