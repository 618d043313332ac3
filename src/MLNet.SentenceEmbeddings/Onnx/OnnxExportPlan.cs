using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>
/// What an ONNX export writes, independent of TorchSharp: the transformer (its config and float32 weights under
/// their checkpoint names), then the modules after it in order (<see cref="OnnxPoolingStep"/>, <see cref="OnnxDenseStep"/>,
/// <see cref="OnnxNormalizeStep"/>), and what a runtime needs to feed the graph (the WordPiece vocabulary, lower-casing,
/// maximum length) or show to users (prompts).
/// </summary>
/// <param name="Config">The BERT encoder's hyper-parameters.</param>
/// <param name="Weights">The encoder's weights by parameter name, as <see cref="StateDict.Export"/> returns them
/// (Linear weights (out, in)).</param>
/// <param name="Steps">The modules after the transformer; the first must be the pooling.</param>
/// <param name="VocabText">The WordPiece vocabulary (vocab.txt content), stored in the file's metadata.</param>
/// <param name="DoLowerCase">Whether the tokenizer lower-cases (and strips accents).</param>
/// <param name="MaxSequenceLength">Longest input in tokens, special tokens included.</param>
public sealed record OnnxExportPlan(
    BertConfig Config,
    IReadOnlyDictionary<string, NamedArray> Weights,
    IReadOnlyList<OnnxPostStep> Steps,
    string VocabText,
    bool DoLowerCase,
    int MaxSequenceLength)
{
    /// <summary>sentence-transformers' prompts (name -> prefix text), passed through to the metadata.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    /// <summary>The prompt applied when none is named, or null.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary>Where the model came from (a folder, a package resource); written to the metadata.</summary>
    public string Source { get; init; } = "";

    /// <summary>Width of the sentence vectors the exported graph outputs.</summary>
    public int Dimension => CheckSteps();

    /// <summary>
    /// The plan of a <see cref="SentenceEncoder"/>: its BERT transformer, then its modules in order (Pooling, Dense,
    /// Normalize), its prompts and default prompt.
    /// </summary>
    /// <exception cref="NotSupportedException">A non-BERT transformer, a non-WordPiece tokenizer, or a module the graph cannot hold.</exception>
    public static OnnxExportPlan FromEncoder(SentenceEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (encoder.Tokenizer.Subwords is not WordPieceTokenizer wordPiece)
            throw new NotSupportedException($"{encoder.Source}: ONNX export stores a WordPiece vocabulary; this encoder's tokenizer is {encoder.Tokenizer.Subwords.GetType().Name}.");
        if (encoder.Model is not BertModel bert)
            throw new NotSupportedException($"{encoder.Source}: ONNX export writes BERT encoders; model_type '{encoder.Model.ModelType}' is not supported yet.");
        var steps = new List<OnnxPostStep>();
        foreach (var module in encoder.Modules.Items.Skip(1))
        {
            steps.Add(module switch
            {
                Modules.PoolingModule p => new OnnxPoolingStep(p.Mode),
                Modules.NormalizeModule => new OnnxNormalizeStep(),
                Modules.DenseModule d => DenseStep(d),
                _ => throw new NotSupportedException($"{encoder.Source}: module {module.TypeName} has no ONNX form."),
            });
        }
        var weights = StateDict.Export(bert).ToDictionary(w => w.Name, StringComparer.Ordinal);
        return new OnnxExportPlan(bert.Config, weights, steps, wordPiece.VocabText, wordPiece.DoLowerCase, encoder.Tokenizer.MaxSequenceLength)
        {
            Source = encoder.Source,
            Prompts = encoder.Config.Prompts,
            DefaultPromptName = encoder.Config.DefaultPromptName,
        };
    }

    private static OnnxDenseStep DenseStep(Modules.DenseModule dense)
    {
        var w = StateDict.Export(dense).ToDictionary(a => a.Name, StringComparer.Ordinal);
        var activation = dense.ActivationFunction switch
        {
            Modules.DenseModule.Tanh => OnnxActivation.Tanh,
            Modules.DenseModule.Identity => OnnxActivation.Identity,
            "torch.nn.modules.activation.ReLU" => OnnxActivation.Relu,
            "torch.nn.modules.activation.Sigmoid" => OnnxActivation.Sigmoid,
            var other => throw new NotSupportedException($"Dense activation {other} has no ONNX form here (Tanh, Identity, ReLU, Sigmoid)."),
        };
        return new OnnxDenseStep(dense.InFeatures, dense.OutFeatures, w["linear.weight"].Data, dense.HasBias ? w["linear.bias"].Data : null, activation);
    }

    /// <summary>Throws when the steps do not chain (pooling first, each Dense's input width equal to the width before it).</summary>
    public void Validate()
    {
        Config.Validate("OnnxExportPlan.Config");
        if (Config.ModelType is not ("bert" or "minilm"))
            throw new NotSupportedException($"ONNX export writes BERT encoders; model_type '{Config.ModelType}' is not supported yet.");
        if (MaxSequenceLength < 2 || MaxSequenceLength > Config.MaxPositionEmbeddings)
            throw new ArgumentException($"MaxSequenceLength {MaxSequenceLength} must be in 2..{Config.MaxPositionEmbeddings} (max_position_embeddings).", nameof(MaxSequenceLength));
        CheckSteps();
    }

    private int CheckSteps()
    {
        if (Steps.Count == 0 || Steps[0] is not OnnxPoolingStep)
            throw new ArgumentException("The first step after the transformer must be an OnnxPoolingStep (sentence vectors come from pooling).", nameof(Steps));
        int width = Config.HiddenSize;
        for (int i = 0; i < Steps.Count; i++)
        {
            switch (Steps[i])
            {
                case OnnxPoolingStep p when i == 0:
                    if (p.Mode == 0) throw new ArgumentException("Steps[0]: no pooling mode set.", nameof(Steps));
                    width *= Pooling.PoolingModes.Parts(p.Mode).Count();
                    break;
                case OnnxPoolingStep:
                    throw new ArgumentException($"Steps[{i}]: a second pooling step; only one is allowed, first.", nameof(Steps));
                case OnnxDenseStep d:
                    d.Validate($"Steps[{i}]");
                    if (d.InFeatures != width)
                        throw new ArgumentException($"Steps[{i}]: Dense in_features {d.InFeatures}, but the vectors before it are {width} wide.", nameof(Steps));
                    width = d.OutFeatures;
                    break;
                case OnnxNormalizeStep:
                    break;
                default:
                    throw new ArgumentException($"Steps[{i}]: unknown step {Steps[i]?.GetType().Name ?? "null"}.", nameof(Steps));
            }
        }
        return width;
    }
}
