using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// Token vectors as a weighted mean of the transformer's hidden states from <see cref="LayerStart"/> on
/// (sentence-transformers' WeightedLayerPooling): sum_l w_l h_l / sum_l w_l, where h_0 is the embeddings' output and
/// h_L the last layer's. It sits between the Transformer (whose hidden states it reads) and Pooling. The weights are a
/// trainable parameter, as in sentence-transformers; zero weights leave a layer out, so any subset of layers can be
/// averaged (the first and last layers together, for example).
/// </summary>
public sealed class WeightedLayerPoolingModule : SentenceModule
{
    public const string Type = "sentence_transformers.models.WeightedLayerPooling";
    private const string ConfigFile = "config.json";

#pragma warning disable IDE1006 // the field name is the checkpoint key
    private readonly Parameter layer_weights;
#pragma warning restore IDE1006

    /// <param name="wordEmbeddingDimension">Width H of the token vectors.</param>
    /// <param name="numHiddenLayers">Transformer layers L (the hidden states are L + 1).</param>
    /// <param name="layerStart">First hidden state averaged (0: the embeddings' output).</param>
    /// <param name="layerWeights">L + 1 - <paramref name="layerStart"/> weights, not negative, not all zero; null: all 1.</param>
    public WeightedLayerPoolingModule(int wordEmbeddingDimension, int numHiddenLayers, int layerStart, IReadOnlyList<float>? layerWeights = null)
        : base(nameof(WeightedLayerPoolingModule))
    {
        if (wordEmbeddingDimension < 1) throw new ArgumentOutOfRangeException(nameof(wordEmbeddingDimension), wordEmbeddingDimension, "must be positive.");
        if (numHiddenLayers < 1) throw new ArgumentOutOfRangeException(nameof(numHiddenLayers), numHiddenLayers, "must be positive.");
        if (layerStart < 0 || layerStart > numHiddenLayers)
            throw new ArgumentOutOfRangeException(nameof(layerStart), layerStart, $"must be between 0 and num_hidden_layers ({numHiddenLayers}).");
        int count = numHiddenLayers + 1 - layerStart;
        var weights = layerWeights?.ToArray() ?? Enumerable.Repeat(1f, count).ToArray();
        CheckWeights(weights, count, nameof(layerWeights));
        WordEmbeddingDimension = wordEmbeddingDimension;
        NumHiddenLayers = numHiddenLayers;
        LayerStart = layerStart;
        layer_weights = nn.Parameter(tensor(weights));
        RegisterComponents();
    }

    /// <summary>
    /// Averages the hidden states with the given weights, one per hidden state (L + 1: the embeddings' output first);
    /// the layers before the first non-zero weight are left out through <see cref="LayerStart"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two weights, a negative or non-finite one, or all zero.</exception>
    public static WeightedLayerPoolingModule FromAllLayerWeights(int wordEmbeddingDimension, IReadOnlyList<float> weights, string parameterName = "weights")
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count < 2)
            throw new ArgumentException($"{parameterName}: needs one weight per hidden state (the embeddings' output, then each layer), got {weights.Count}.", parameterName);
        CheckWeights(weights, weights.Count, parameterName);
        int start = weights.ToList().FindIndex(w => w > 0);
        return new WeightedLayerPoolingModule(wordEmbeddingDimension, weights.Count - 1, start, weights.Skip(start).ToArray());
    }

    /// <summary>Comma-separated weights ("0,1,0,0,0,0,1"), invariant culture; not checked against a model here.</summary>
    /// <exception cref="ArgumentException">A part that is not a finite, non-negative number, or all zero.</exception>
    public static float[] ParseWeights(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var weights = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out weights[i]))
                throw new ArgumentException($"layer weight {i + 1} ('{parts[i]}') is not a number; expected comma-separated weights such as 0,1,0,0,0,0,1.", nameof(text));
        CheckWeights(weights, weights.Length, "layer weights");
        return weights;
    }

    private static void CheckWeights(IReadOnlyList<float> weights, int count, string parameterName)
    {
        if (weights.Count != count)
            throw new ArgumentException($"{parameterName}: {weights.Count} weights, expected {count} (num_hidden_layers + 1 - layer_start).", parameterName);
        if (weights.Any(w => !float.IsFinite(w) || w < 0))
            throw new ArgumentException($"{parameterName}: weights must be finite and not negative; got {string.Join(", ", weights)}.", parameterName);
        if (weights.All(w => w == 0)) throw new ArgumentException($"{parameterName}: at least one weight must be positive.", parameterName);
    }

    public override string TypeName => Type;
    public int WordEmbeddingDimension { get; }
    public int NumHiddenLayers { get; }
    public int LayerStart { get; }

    /// <summary>The current weights of hidden states <see cref="LayerStart"/> to L (they change when the encoder is trained).</summary>
    public float[] LayerWeights
    {
        get
        {
            using var w = layer_weights.detach().cpu();
            return w.data<float>().ToArray();
        }
    }

    public override int OutputDimension(int inputDimension) => WordEmbeddingDimension;

    public override SentenceFeatures forward(SentenceFeatures features)
    {
        var states = features.AllLayerEmbeddings
            ?? throw new InvalidOperationException("WeightedLayerPooling needs every hidden state: its Transformer must have OutputHiddenStates on (config.json's output_hidden_states).");
        if (states.Count != NumHiddenLayers + 1)
            throw new InvalidOperationException($"WeightedLayerPooling expects {NumHiddenLayers + 1} hidden states (num_hidden_layers {NumHiddenLayers}), the Transformer gave {states.Count}.");
        using var scope = NewDisposeScope();
        // float32 whatever the encoder's precision: a bf16 sum of seven layers would lose what the mean keeps.
        var stacked = stack(states.Skip(LayerStart).Select(s => s.to_type(ScalarType.Float32)).ToArray()); // (L', B, T, H)
        var w = layer_weights.view(-1, 1, 1, 1);
        features.TokenEmbeddings = ((w * stacked).sum(dim: 0L) / layer_weights.sum()).MoveToOuterDisposeScope();
        return features;
    }

    public override void Save(IModelFileSink sink, string folder)
    {
        SaveConfigAndWeights(sink, folder, new JsonObject
        {
            ["word_embedding_dimension"] = WordEmbeddingDimension,
            ["layer_start"] = LayerStart,
            ["num_hidden_layers"] = NumHiddenLayers,
        });
    }

    /// <summary>
    /// Reads <c>{folder}/config.json</c> and its weights; the width must equal <paramref name="inputDimension"/> and
    /// num_hidden_layers the transformer's <paramref name="transformerLayers"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A missing or inconsistent config or weight file; the message names it.</exception>
    public static WeightedLayerPoolingModule Load(IModelFileSource source, string folder, int inputDimension, int transformerLayers)
    {
        var json = JsonConfigFile.Read(source, ModelPath.Join(folder, ConfigFile));
        int dim = json.GetInt32("word_embedding_dimension", 1, 1 << 20) ?? throw json.Expected("word_embedding_dimension", "an integer", null);
        int layers = json.GetInt32("num_hidden_layers", 1, 10_000) ?? throw json.Expected("num_hidden_layers", "an integer", null);
        int start = json.GetInt32("layer_start", 0, 10_000) ?? throw json.Expected("layer_start", "an integer", null);
        if (dim != inputDimension)
            throw new InvalidDataException($"{json.Path}: word_embedding_dimension {dim}, but the module before it outputs {inputDimension}.");
        if (layers != transformerLayers)
            throw new InvalidDataException($"{json.Path}: num_hidden_layers {layers}, but the Transformer has {transformerLayers} layers.");
        if (start > layers)
            throw new InvalidDataException($"{json.Path}: layer_start {start} is past the last hidden state ({layers}).");
        var module = new WeightedLayerPoolingModule(dim, layers, start);
        try
        {
            string describe = module.LoadWeights(source, folder);
            // Trained weights may turn negative (sentence-transformers does not constrain them); only a zero sum has no mean.
            float[] weights = module.LayerWeights;
            if (weights.Any(w => !float.IsFinite(w)) || weights.Sum() == 0)
                throw new InvalidDataException($"{describe}: layer_weights must be finite with a non-zero sum; got {string.Join(", ", weights)}.");
        }
        catch { module.Dispose(); throw; }
        return module;
    }
}
