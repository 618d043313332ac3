using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Pooling;
using Onnx;
using static MLNet.SentenceEmbeddings.Onnx.OnnxGraphNames;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>
/// Writes sentence encoders as ONNX: one graph from token ids (input_ids, attention_mask, token_type_ids; int64,
/// dynamic batch and sequence axes) to <c>sentence_embedding</c> (batch, dimension) with pooling, Dense and Normalize
/// inside, or the transformer alone for sentence-transformers' ONNX backend; float32 or dynamic int8.
/// </summary>
/// <example>
/// <code>
/// using var encoder = SentenceEncoder.Load("default");
/// encoder.ExportOnnx("model.onnx");                                                         // float32
/// encoder.ExportOnnx("model_int8.onnx", new OnnxExportOptions { Precision = OnnxPrecision.Int8 });
/// using var onnx = OnnxSentenceEncoder.Load("model_int8.onnx");                            // no TorchSharp at run time
/// float[][] vectors = onnx.Encode(new[] { "A man is eating." });
/// </code>
/// </example>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graphs use (17: LayerNormalization is a standard operator).</summary>
    public const int Opset = 17;

    /// <summary>ONNX IR version 8 goes with opset 17.</summary>
    public const long IrVersion = 8;


    /// <summary>sentence-transformers' file of the float32 transformer, relative to a saved model folder.</summary>
    public static readonly string SentenceTransformersFile = Path.Combine("onnx", "model.onnx");

    /// <summary>
    /// sentence-transformers' name for a dynamically quantized int8 file (what its export_dynamic_quantized_onnx_model
    /// writes for the "avx512_vnni" configuration), relative to a saved model folder.
    /// </summary>
    public static readonly string SentenceTransformersInt8File = Path.Combine("onnx", "model_qint8_avx512_vnni.onnx");

    /// <summary>
    /// Exports <paramref name="encoder"/> in memory and runs it on ONNX Runtime (TorchSharp only reads the weights).
    /// <paramref name="options"/> defaults to the encoder's own batch size, threads, maximum length and sorting.
    /// </summary>
    public static OnnxSentenceEncoder ToOnnxEncoder(this SentenceEncoder encoder, OnnxPrecision precision = OnnxPrecision.Float32, SentenceEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var bytes = ToBytes(OnnxExportPlan.FromEncoder(encoder), new OnnxExportOptions { Precision = precision, IncludeVocabulary = false });
        var o = options ?? encoder.Options;
        if (options is null)
        {
            // The graph bakes in pooling and normalisation; precision is the export's; ONNX Runtime runs on the CPU.
            o.Pooling = null;
            o.Normalize = null;
            o.Precision = precision == OnnxPrecision.Int8 ? Precision.Int8 : Precision.Float32;
            o.Device = "cpu";
            o.Backend = InferenceBackend.OnnxRuntime;
        }
        return OnnxSentenceEncoder.FromBytes(bytes, o, encoder.Tokenizer,
            $"{encoder.Source} (ONNX {(precision == OnnxPrecision.Int8 ? "int8" : "fp32")})");
    }

    /// <summary>Exports <paramref name="encoder"/> to <paramref name="path"/> (written whole or not at all).</summary>
    /// <exception cref="NotSupportedException">The encoder's architecture or tokenizer cannot be exported yet.</exception>
    public static void ExportOnnx(this SentenceEncoder encoder, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Export(OnnxExportPlan.FromEncoder(encoder), path, options);
    }

    /// <summary>Exports a plan to <paramref name="path"/> (written whole or not at all).</summary>
    public static void Export(OnnxExportPlan plan, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllBytes(path, ToBytes(plan, options));
    }

    /// <summary>The exported model as bytes (for an in-memory ONNX Runtime session).</summary>
    public static byte[] ToBytes(OnnxExportPlan plan, OnnxExportOptions? options = null) =>
        OnnxFiles.ToBytes(Build(plan, options ?? new OnnxExportOptions()));

    /// <summary>
    /// Writes sentence-transformers' ONNX layout into a saved model folder (<see cref="SentenceEncoder.Save(string)"/>):
    /// <c>onnx/model.onnx</c> (the transformer alone, output last_hidden_state) and, with <paramref name="int8"/>,
    /// <c>onnx/model_qint8_avx512_vnni.onnx</c>. Python then loads the folder with
    /// <c>SentenceTransformer(folder, backend="onnx")</c> (add <c>model_kwargs={"file_name": "onnx/model_qint8_avx512_vnni.onnx"}</c>
    /// for the int8 file).
    /// </summary>
    /// <returns>The files written.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="modelFolder"/> is not a saved model folder (no config.json).</exception>
    public static IReadOnlyList<string> ExportSentenceTransformersOnnx(this SentenceEncoder encoder, string modelFolder, bool int8 = false)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return ExportSentenceTransformersOnnx(OnnxExportPlan.FromEncoder(encoder), modelFolder, int8);
    }

    /// <inheritdoc cref="ExportSentenceTransformersOnnx(SentenceEncoder, string, bool)"/>
    public static IReadOnlyList<string> ExportSentenceTransformersOnnx(OnnxExportPlan plan, string modelFolder, bool int8 = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        if (!File.Exists(Path.Combine(modelFolder, Modules.TransformerModule.ConfigFile)))
            throw new DirectoryNotFoundException($"{modelFolder}: not a saved model folder (no {Modules.TransformerModule.ConfigFile}); save the encoder there first (SentenceEncoder.Save).");
        var written = new List<string>();
        foreach (var precision in int8 ? new[] { OnnxPrecision.Float32, OnnxPrecision.Int8 } : new[] { OnnxPrecision.Float32 })
        {
            string path = Path.Combine(modelFolder, precision == OnnxPrecision.Int8 ? SentenceTransformersInt8File : SentenceTransformersFile);
            Export(plan, path, new OnnxExportOptions { Precision = precision, Output = OnnxExportOutput.TokenEmbeddings });
            written.Add(path);
        }
        return written;
    }

    /// <summary>Builds the ModelProto (exposed to the tests and the quantizer measurements).</summary>
    internal static ModelProto Build(OnnxExportPlan plan, OnnxExportOptions options, Int8Settings? int8 = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int8 ??= options.Precision == OnnxPrecision.Int8 ? Int8Settings.For(options) : new Int8Settings();
        plan.Validate();
        bool tokensOnly = options.Output == OnnxExportOutput.TokenEmbeddings;
        var g = new OnnxGraphBuilder(tokensOnly ? "transformer" : "sentence_encoder");
        const TensorProto.Types.DataType Int64 = TensorProto.Types.DataType.Int64;
        var ids = g.Input(InputIds, Int64, "batch", "sequence");
        var mask = g.Input(AttentionMask, Int64, "batch", "sequence");
        // BERT reads segment ids; a sentence encoder feeds zeros, but sentence-transformers and optimum pass them.
        var types = g.Input(TokenTypeIds, Int64, "batch", "sequence");
        var hidden = BertOnnxGraph.Write(g, plan.Config, plan.Weights, ids, mask, types, int8.FusedAttention, int8.MultiHeadAttention, int8.SkipLayerNormalization);
        int dimension;
        if (tokensOnly)
        {
            g.NodeTo("Identity", LastHiddenState, new[] { hidden });
            g.Output(LastHiddenState, TensorProto.Types.DataType.Float, "batch", "sequence", plan.Config.HiddenSize);
            dimension = plan.Config.HiddenSize;
        }
        else
        {
            var sentence = PostStepOnnxGraph.Write(g, plan.Steps, hidden, mask);
            g.NodeTo("Identity", SentenceEmbedding, new[] { sentence });
            dimension = plan.Dimension;
            g.Output(SentenceEmbedding, TensorProto.Types.DataType.Float, "batch", dimension);
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = OnnxModelMetadata.LibraryName,
            ProducerVersion = OnnxModelMetadata.CurrentLibraryVersion,
            Graph = g.Graph,
            DocString = tokensOnly
                ? "Transformer of a sentence encoder: token ids -> last_hidden_state (batch, sequence, hidden)."
                : "Sentence encoder: token ids -> sentence_embedding (batch, dimension), pooling inside.",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        var metadata = new OnnxModelMetadata
        {
            Pooling = ((OnnxPoolingStep)plan.Steps[0]).Mode,
            Normalize = !tokensOnly && plan.Steps.OfType<OnnxNormalizeStep>().Any(),
            Dimension = dimension,
            MaxSequenceLength = plan.MaxSequenceLength,
            DoLowerCase = plan.DoLowerCase,
            ModelType = plan.Config.ModelType,
            Precision = options.Precision,
            Output = tokensOnly ? LastHiddenState : SentenceEmbedding,
            Prompts = plan.Prompts,
            DefaultPromptName = plan.DefaultPromptName,
            Modules = DescribeModules(plan, tokensOnly),
            Source = plan.Source,
            VocabText = options.IncludeVocabulary ? plan.VocabText : null,
        };
        foreach (var (k, v) in metadata.ToProperties()) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        if (options.Precision == OnnxPrecision.Int8)
            OnnxInt8Quantizer.Quantize(model, int8);
        else if (int8.FusedAttention || int8.MultiHeadAttention || int8.SkipLayerNormalization)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.MicrosoftDomain, Version = 1 });
        return model;
    }

    /// <summary>The modules of <paramref name="plan"/> as the JSON written under <see cref="OnnxModelMetadata.Keys.Modules"/>.</summary>
    private static string DescribeModules(OnnxExportPlan plan, bool transformerOnly)
    {
        var modules = new JsonArray { new JsonObject { ["type"] = "Transformer", ["model_type"] = plan.Config.ModelType } };
        if (!transformerOnly)
        {
            foreach (var step in plan.Steps)
            {
                modules.Add(step switch
                {
                    OnnxPoolingStep p => new JsonObject { ["type"] = "Pooling", ["pooling_mode"] = PoolingModes.ToName(p.Mode) },
                    OnnxDenseStep d => new JsonObject
                    {
                        ["type"] = "Dense", ["in_features"] = d.InFeatures, ["out_features"] = d.OutFeatures,
                        ["bias"] = d.Bias is not null, ["activation"] = d.Activation.ToString(),
                    },
                    _ => new JsonObject { ["type"] = "Normalize" },
                });
            }
        }
        return modules.ToJsonString();
    }
}
