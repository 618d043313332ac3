using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>The feed-forward activations config.json may name (hidden_act, DistilBERT's activation).</summary>
internal static class Activations
{
    /// <summary>The names accepted, as Hugging Face's ACT2FN spells them.</summary>
    public static readonly string[] Supported = { "gelu", "gelu_new", "gelu_pytorch_tanh", "relu" };

    public static bool IsSupported(string name) => Supported.Contains(name);

    public static Tensor Apply(string name, Tensor x) => name switch
    {
        // "gelu" is the exact erf form (BERT, RoBERTa, MPNet, DistilBERT); "gelu_new" is the tanh approximation.
        "gelu" => nn.functional.gelu(x),
        "relu" => nn.functional.relu(x),
        _ => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
    };
}
