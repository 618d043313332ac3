using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// A feed-forward layer on the sentence embedding, activation(W x + b) (sentence-transformers' Dense: used by models
/// that project to another width, such as LaBSE and the distiluse family). Trainable.
/// </summary>
public sealed class DenseModule : SentenceModule
{
    public const string Type = "sentence_transformers.models.Dense";
    private const string ConfigFile = "config.json";

    /// <summary>Activations by the PyTorch class path sentence-transformers records.</summary>
    public static IReadOnlyDictionary<string, Func<Tensor, Tensor>> Activations { get; } = new Dictionary<string, Func<Tensor, Tensor>>
    {
        ["torch.nn.modules.activation.Tanh"] = t => t.tanh(),
        ["torch.nn.modules.linear.Identity"] = t => t,
        ["torch.nn.modules.activation.ReLU"] = t => nn.functional.relu(t),
        ["torch.nn.modules.activation.Sigmoid"] = t => t.sigmoid(),
        ["torch.nn.modules.activation.GELU"] = t => nn.functional.gelu(t),
    };

    public const string Tanh = "torch.nn.modules.activation.Tanh";
    public const string Identity = "torch.nn.modules.linear.Identity";

#pragma warning disable IDE1006 // the field name is the checkpoint key (linear.weight, linear.bias)
    private readonly Linear linear;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="activationFunction">A key of <see cref="Activations"/> (Tanh by default, as sentence-transformers).</param>
    public DenseModule(int inFeatures, int outFeatures, bool bias = true, string activationFunction = Tanh) : base(nameof(DenseModule))
    {
        if (!Activations.TryGetValue(activationFunction, out var activation))
            throw new ArgumentException($"Activation '{activationFunction}' is not supported; expected one of {string.Join(", ", Activations.Keys)}.", nameof(activationFunction));
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        HasBias = bias;
        ActivationFunction = activationFunction;
        _activation = activation;
        linear = nn.Linear(inFeatures, outFeatures, hasBias: bias);
        RegisterComponents();
    }

    public override string TypeName => Type;
    public int InFeatures { get; }
    public int OutFeatures { get; }
    public bool HasBias { get; }
    public string ActivationFunction { get; }

    public override int OutputDimension(int inputDimension) => OutFeatures;

    public override SentenceFeatures forward(SentenceFeatures features)
    {
        var x = features.SentenceEmbedding ?? throw new InvalidOperationException("Dense needs a sentence embedding: put a Pooling module before it.");
        features.SentenceEmbedding = _activation(linear.forward(x));
        return features;
    }

    public override void Save(IModelFileSink sink, string folder)
    {
        SaveConfigAndWeights(sink, folder, new JsonObject
        {
            ["in_features"] = InFeatures,
            ["out_features"] = OutFeatures,
            ["bias"] = HasBias,
            ["activation_function"] = ActivationFunction,
        });
    }

    /// <summary>Reads <c>{folder}/config.json</c> and its weights; the input width must equal <paramref name="inputDimension"/>.</summary>
    public static DenseModule Load(IModelFileSource source, string folder, int inputDimension)
    {
        var json = JsonConfigFile.Read(source, ModelPath.Join(folder, ConfigFile));
        int inFeatures = json.GetInt32("in_features", 1, 1 << 20) ?? throw json.Expected("in_features", "an integer", null);
        int outFeatures = json.GetInt32("out_features", 1, 1 << 20) ?? throw json.Expected("out_features", "an integer", null);
        if (inFeatures != inputDimension)
            throw new InvalidDataException($"{json.Path}: in_features {inFeatures}, but the module before it outputs {inputDimension}.");
        string activation = json.GetString("activation_function") ?? Tanh;
        if (!Activations.ContainsKey(activation))
            throw new InvalidDataException($"{json.Path}: activation_function '{activation}' is not supported; expected one of {string.Join(", ", Activations.Keys)}.");
        var dense = new DenseModule(inFeatures, outFeatures, json.GetBoolean("bias") ?? true, activation);
        try { dense.LoadWeights(source, folder); }
        catch { dense.Dispose(); throw; }
        return dense;
    }
}
