// The modules after the transformer as ONNX nodes: pooling with the attention mask, Dense, Normalize. Each mirrors
// the TorchSharp code it replaces (Pooling/PoolingLayer.cs; sentence-transformers' Dense and Normalize).
// Shapes: B = batch, T = tokens, H = token width, D = sentence vector width.
using MLNet.SentenceEmbeddings.Pooling;
using static MLNet.SentenceEmbeddings.Onnx.OnnxGraphBuilder;

namespace MLNet.SentenceEmbeddings.Onnx;

internal static class PostStepOnnxGraph
{
    /// <summary>Smallest token count divided by (torch: clamp_min(1e-9)), so an all-padding row gives 0, not NaN.</summary>
    private const float MinTokenCount = 1e-9f;

    /// <summary>torch.nn.functional.normalize's eps: vectors shorter than this are divided by it instead.</summary>
    private const float NormalizeEps = 1e-12f;

    /// <summary>Writes the steps after the transformer; returns the (B, D) result.</summary>
    public static string Write(OnnxGraphBuilder g, IReadOnlyList<OnnxPostStep> steps, string tokens, string attentionMask)
    {
        string x = tokens;
        for (int i = 0; i < steps.Count; i++)
        {
            x = steps[i] switch
            {
                OnnxPoolingStep p => Pool(g, p.Mode, x, attentionMask),
                OnnxDenseStep d => Dense(g, d, i, x),
                OnnxNormalizeStep => Normalize(g, x),
                var s => throw new ArgumentException($"step {i}: {s.GetType().Name} cannot be exported.", nameof(steps)),
            };
        }
        return x;
    }

    private static string Pool(OnnxGraphBuilder g, PoolingMode mode, string tokens, string attentionMask)
    {
        var mask = g.Node("Cast", "pool_mask", new[] { attentionMask }, Int("to", (long)global::Onnx.TensorProto.Types.DataType.Float)); // (B, T)
        var mask3 = g.Node("Unsqueeze", "pool_mask_3d", new[] { mask, g.Int64s(-1) }); // (B, T, 1)
        string? sum = null, count = null;
        string Sum() => sum ??= g.Node("ReduceSum", "pool_sum",
            new[] { g.Node("Mul", "pool_masked", new[] { tokens, mask3 }), g.Int64s(1) }, Int("keepdims", 0)); // (B, H)
        string Count() => count ??= g.Node("Max", "pool_count",
            new[] { g.Node("ReduceSum", "pool_count_raw", new[] { mask, g.Int64s(1) }, Int("keepdims", 1)), g.Scalar(MinTokenCount) }); // (B, 1)
        var parts = new List<string>();
        foreach (var m in PoolingModes.Parts(mode))
        {
            parts.Add(m switch
            {
                PoolingMode.Cls => g.Node("Gather", "pool_cls", new[] { tokens, g.Int64Scalar(0) }, Int("axis", 1)),
                PoolingMode.Max => g.Node("ReduceMax", "pool_max",
                    // Padding positions take float.MinValue so they never win the max (PoolingLayer does the same).
                    new[] { g.Node("Where", "pool_max_masked", new[] { g.Node("Cast", "pool_mask_bool", new[] { mask3 }, Int("to", (long)global::Onnx.TensorProto.Types.DataType.Bool)), tokens, g.Scalar(float.MinValue) }) },
                    Ints("axes", 1), Int("keepdims", 0)),
                PoolingMode.Mean => g.Node("Div", "pool_mean", new[] { Sum(), Count() }),
                _ => g.Node("Div", "pool_mean_sqrt_len", new[] { Sum(), g.Node("Sqrt", "pool_sqrt_count", new[] { Count() }) }),
            });
        }
        return parts.Count == 1 ? parts[0] : g.Node("Concat", "pool_concat", parts, Int("axis", 1)); // (B, D)
    }

    private static string Dense(OnnxGraphBuilder g, OnnxDenseStep d, int index, string x)
    {
        // torch's weight is (out, in); MatMul wants (in, out).
        var t = new float[d.Weight.Length];
        for (int o = 0; o < d.OutFeatures; o++)
            for (int i = 0; i < d.InFeatures; i++)
                t[(long)i * d.OutFeatures + o] = d.Weight[(long)o * d.InFeatures + i];
        string p = $"dense_{index}";
        var y = g.Node("MatMul", $"{p}.matmul", new[] { x, g.Initializer(g.UniqueName($"{p}_weight_t"), t, d.InFeatures, d.OutFeatures) });
        if (d.Bias is not null) y = g.Node("Add", $"{p}.out", new[] { y, g.Initializer(g.UniqueName($"{p}_bias"), d.Bias, d.OutFeatures) });
        return d.Activation switch
        {
            OnnxActivation.Identity => y,
            OnnxActivation.Tanh => g.Node("Tanh", $"{p}.tanh", new[] { y }),
            OnnxActivation.Relu => g.Node("Relu", $"{p}.relu", new[] { y }),
            OnnxActivation.Sigmoid => g.Node("Sigmoid", $"{p}.sigmoid", new[] { y }),
            var a => throw new ArgumentException($"Dense step {index}: activation {a} is not supported.", nameof(d)),
        };
    }

    private static string Normalize(OnnxGraphBuilder g, string x)
    {
        var norm = g.Node("ReduceL2", "norm", new[] { x }, Ints("axes", 1), Int("keepdims", 1)); // (B, 1)
        norm = g.Node("Max", "norm_clamped", new[] { norm, g.Scalar(NormalizeEps) });
        return g.Node("Div", "normalized", new[] { x, norm });
    }
}
