// The BERT encoder (Devlin et al. 2019) as ONNX nodes, written like Modeling/BertModel.cs top to bottom and with
// standard operators only (opset 17), so any ONNX runtime runs it: embeddings -> N post-LN layers, attention as
// MatMul/Softmax with an additive padding mask, GELU in its erf form, LayerNormalization. ONNX Runtime fuses these
// patterns (LayerNorm, GELU, MatMul+Add) itself at ORT_ENABLE_ALL.
// Shapes: B = batch, T = tokens, H = hidden size, nh = heads, hs = head size, I = intermediate size.
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using static MLNet.SentenceEmbeddings.Onnx.OnnxGraphBuilder;

namespace MLNet.SentenceEmbeddings.Onnx;

internal static class BertOnnxGraph
{
    /// <summary>Added to the attention scores of padding keys: exp(-10000) is 0 in float32, as a boolean mask would give.</summary>
    private const float MaskedScore = -10000f;

    /// <summary>Writes the encoder; returns the name of its (B, T, H) last hidden state.</summary>
    /// <param name="g">The graph to extend.</param>
    /// <param name="c">The encoder's hyper-parameters.</param>
    /// <param name="w">Weights by parameter name, torch layout (Linear weight (out, in)).</param>
    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="attentionMask">(B, T) int64, 1 for real tokens.</param>
    /// <param name="tokenTypeIds">(B, T) int64, or null to use segment 0 everywhere.</param>
    /// <param name="fusedAttention">
    /// Write each self-attention as ONNX Runtime's contrib Attention operator (one (H, 3H) projection, the mask as int32)
    /// instead of standard operators; the int8 quantizer turns it into QAttention.
    /// </param>
    /// <param name="skipLayerNormalization">Residual Add + LayerNormalization as ONNX Runtime's contrib SkipLayerNormalization.</param>
    /// <param name="multiHeadAttention">
    /// Write the attention core (after the query, key and value projections) as ONNX Runtime's contrib
    /// MultiHeadAttention operator: no head reshapes and transposes, which ONNX Runtime runs slowly on two threads.
    /// </param>
    public static string Write(OnnxGraphBuilder g, BertConfig c, IReadOnlyDictionary<string, NamedArray> w,
        string inputIds, string attentionMask, string? tokenTypeIds, bool fusedAttention = false, bool multiHeadAttention = false,
        bool skipLayerNormalization = false)
    {
        var weights = new WeightReader(w, c);
        var h = Embeddings(g, c, weights, inputIds, tokenTypeIds);
        var mask = fusedAttention || multiHeadAttention
            ? g.Node("Cast", "mask_int32", new[] { attentionMask }, Int("to", (long)global::Onnx.TensorProto.Types.DataType.Int32))
            : AdditiveMask(g, attentionMask);
        var kind = fusedAttention ? AttentionKind.Fused : multiHeadAttention ? AttentionKind.MultiHead : AttentionKind.Standard;
        for (int i = 0; i < c.NumHiddenLayers; i++) h = Layer(g, c, weights, $"encoder.layer.{i}", h, mask, kind, skipLayerNormalization);
        weights.CheckAllUsed();
        return h;
    }

    private static string Embeddings(OnnxGraphBuilder g, BertConfig c, WeightReader w, string inputIds, string? tokenTypeIds)
    {
        var words = g.Node("Gather", "word_embeddings", new[] { w.Named("embeddings.word_embeddings.weight", g), inputIds }); // (B, T, H)
        // Positions 0..T-1: the first T rows of the table, T read from the input's shape.
        var t = g.Node("Shape", "sequence_length", new[] { inputIds }, Int("start", 1), Int("end", 2)); // (1)
        var positions = g.Node("Slice", "position_embeddings",
            new[] { w.Named("embeddings.position_embeddings.weight", g), g.Int64s(0), t, g.Int64s(0) }); // (T, H)
        var x = g.Node("Add", "embeddings_sum", new[] { words, positions });
        string types = tokenTypeIds is null
            ? g.Node("Gather", "token_type_embeddings", new[] { w.Named("embeddings.token_type_embeddings.weight", g), g.Int64Scalar(0) }) // (H)
            : g.Node("Gather", "token_type_embeddings", new[] { w.Named("embeddings.token_type_embeddings.weight", g), tokenTypeIds }); // (B, T, H)
        x = g.Node("Add", "embeddings", new[] { x, types });
        return LayerNorm(g, c, w, "embeddings.LayerNorm", x);
    }

    /// <summary>(B, T) int64 mask -> (B, 1, 1, T) float: 0 for real tokens, <see cref="MaskedScore"/> for padding.</summary>
    private static string AdditiveMask(OnnxGraphBuilder g, string attentionMask)
    {
        var m = g.Node("Cast", "mask_float", new[] { attentionMask }, Int("to", (long)global::Onnx.TensorProto.Types.DataType.Float));
        m = g.Node("Unsqueeze", "mask_4d", new[] { m, g.Int64s(1, 2) }); // (B, 1, 1, T)
        var inverted = g.Node("Sub", "mask_inverted", new[] { g.Scalar(1f), m });
        return g.Node("Mul", "mask_additive", new[] { inverted, g.Scalar(MaskedScore) });
    }

    private enum AttentionKind { Standard, Fused, MultiHead }

    private static string Layer(OnnxGraphBuilder g, BertConfig c, WeightReader w, string p, string x, string mask, AttentionKind kind, bool skipLn)
    {
        var context = kind switch
        {
            AttentionKind.Fused => FusedSelfAttention(g, c, w, $"{p}.attention.self", x, mask),
            AttentionKind.MultiHead => MultiHeadSelfAttention(g, c, w, $"{p}.attention.self", x, mask),
            _ => SelfAttention(g, c, w, $"{p}.attention.self", x, mask),
        };
        var attended = ResidualOutput(g, c, w, $"{p}.attention.output", context, x, skipLn);
        var inner = Linear(g, w, $"{p}.intermediate.dense", attended); // (B, T, I)
        inner = Activation(g, c.HiddenAct, inner);
        return ResidualOutput(g, c, w, $"{p}.output", inner, attended, skipLn);
    }

    private static string SelfAttention(OnnxGraphBuilder g, BertConfig c, WeightReader w, string p, string x, string mask)
    {
        var split = g.Int64s(0, 0, c.NumAttentionHeads, c.HeadSize); // 0 copies B and T from the input
        string Heads(string name, long[] perm)
        {
            var y = Linear(g, w, $"{p}.{name}", x); // (B, T, H)
            y = g.Node("Reshape", $"{p}.{name}.heads", new[] { y, split }); // (B, T, nh, hs)
            return g.Node("Transpose", $"{p}.{name}.transposed", new[] { y }, Ints("perm", perm));
        }
        var q = Heads("query", new long[] { 0, 2, 1, 3 }); // (B, nh, T, hs)
        var k = Heads("key", new long[] { 0, 2, 3, 1 });   // (B, nh, hs, T)
        var v = Heads("value", new long[] { 0, 2, 1, 3 }); // (B, nh, T, hs)
        var scores = g.Node("MatMul", $"{p}.scores", new[] { q, k }); // (B, nh, T, T)
        scores = g.Node("Div", $"{p}.scores_scaled", new[] { scores, g.Scalar(MathF.Sqrt(c.HeadSize)) });
        scores = g.Node("Add", $"{p}.scores_masked", new[] { scores, mask });
        var probs = g.Node("Softmax", $"{p}.probs", new[] { scores }, Int("axis", -1));
        var context = g.Node("MatMul", $"{p}.context_heads", new[] { probs, v }); // (B, nh, T, hs)
        context = g.Node("Transpose", $"{p}.context_transposed", new[] { context }, Ints("perm", 0, 2, 1, 3)); // (B, T, nh, hs)
        return g.Node("Reshape", $"{p}.context", new[] { context, g.Int64s(0, 0, c.HiddenSize) }); // (B, T, H)
    }

    /// <summary>com.microsoft Attention: x (B, T, H) times the (H, 3H) query|key|value projection, masked softmax, context (B, T, H).</summary>
    private static string FusedSelfAttention(OnnxGraphBuilder g, BertConfig c, WeightReader w, string p, string x, string mask32)
    {
        string[] parts = { $"{p}.query", $"{p}.key", $"{p}.value" };
        var weight = w.TransposedConcat(parts.Select(n => n + ".weight").ToArray(), g.UniqueName(p.Replace('.', '_') + "_qkv_t"), g);
        var bias = w.Concat(parts.Select(n => n + ".bias").ToArray(), g.UniqueName(p.Replace('.', '_') + "_qkv_bias"), g);
        return g.Node("Attention", $"{p}.context", new[] { x, weight, bias, mask32 }, 1, MicrosoftDomain,
            Int("num_heads", c.NumAttentionHeads))[0];
    }

    /// <summary>The three projections as MatMul+Add, then com.microsoft MultiHeadAttention on (B, T, H) query, key and value.</summary>
    private static string MultiHeadSelfAttention(OnnxGraphBuilder g, BertConfig c, WeightReader w, string p, string x, string mask32)
    {
        var q = Linear(g, w, $"{p}.query", x);
        var k = Linear(g, w, $"{p}.key", x);
        var v = Linear(g, w, $"{p}.value", x);
        return g.Node("MultiHeadAttention", $"{p}.context", new[] { q, k, v, "", mask32 }, 1, MicrosoftDomain,
            Int("num_heads", c.NumAttentionHeads))[0];
    }

    /// <summary>dense -> + residual -> LayerNorm (BERT is post-LN); dropout is the identity at inference.</summary>
    private static string ResidualOutput(OnnxGraphBuilder g, BertConfig c, WeightReader w, string p, string hidden, string residual, bool skipLn)
    {
        var y = Linear(g, w, $"{p}.dense", hidden);
        if (skipLn)
            return g.Node("SkipLayerNormalization", $"{p}.LayerNorm", new[] { y, residual, w.Named($"{p}.LayerNorm.weight", g), w.Named($"{p}.LayerNorm.bias", g) },
                1, MicrosoftDomain, Float("epsilon", (float)c.LayerNormEps))[0];
        y = g.Node("Add", $"{p}.residual", new[] { y, residual });
        return LayerNorm(g, c, w, $"{p}.LayerNorm", y);
    }

    private static string LayerNorm(OnnxGraphBuilder g, BertConfig c, WeightReader w, string p, string x) =>
        g.Node("LayerNormalization", p, new[] { x, w.Named($"{p}.weight", g), w.Named($"{p}.bias", g) },
            Int("axis", -1), Float("epsilon", (float)c.LayerNormEps));

    /// <summary>x W^T + b: MatMul with the transposed weight (in, out), then Add of the bias, as PyTorch's exporter writes it.</summary>
    internal static string Linear(OnnxGraphBuilder g, WeightReader w, string p, string x)
    {
        var y = g.Node("MatMul", $"{p}.matmul", new[] { x, w.Transposed($"{p}.weight", g) });
        return g.Node("Add", $"{p}.out", new[] { y, w.Named($"{p}.bias", g) });
    }

    private static string Activation(OnnxGraphBuilder g, string act, string x)
    {
        switch (act)
        {
            case "relu":
                return g.Node("Relu", "relu", new[] { x });
            case "gelu":
            {
                // 0.5 x (1 + erf(x / sqrt 2)), the exact form (the pattern ONNX Runtime fuses into Gelu).
                var e = g.Node("Div", "gelu_div", new[] { x, g.Scalar(MathF.Sqrt(2f)) });
                e = g.Node("Erf", "gelu_erf", new[] { e });
                e = g.Node("Add", "gelu_add", new[] { e, g.Scalar(1f) });
                e = g.Node("Mul", "gelu_mul", new[] { x, e });
                return g.Node("Mul", "gelu", new[] { e, g.Scalar(0.5f) });
            }
            default:
            {
                // gelu_new / gelu_pytorch_tanh: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
                var cube = g.Node("Mul", "gelu_x2", new[] { x, x });
                cube = g.Node("Mul", "gelu_x3", new[] { cube, x });
                var inner = g.Node("Mul", "gelu_cubic", new[] { cube, g.Scalar(0.044715f) });
                inner = g.Node("Add", "gelu_inner", new[] { x, inner });
                inner = g.Node("Mul", "gelu_scaled", new[] { inner, g.Scalar(MathF.Sqrt(2f / MathF.PI)) });
                var t = g.Node("Tanh", "gelu_tanh", new[] { inner });
                t = g.Node("Add", "gelu_add", new[] { t, g.Scalar(1f) });
                t = g.Node("Mul", "gelu_mul", new[] { x, t });
                return g.Node("Mul", "gelu", new[] { t, g.Scalar(0.5f) });
            }
        }
    }

    /// <summary>
    /// Hands out each weight once as an initializer, checking its shape against the config; the transposed Linear
    /// weights get dot-free names, the others keep their checkpoint names (the convention of PyTorch's exporter,
    /// which <see cref="OnnxInitializers"/> reads back).
    /// </summary>
    internal sealed class WeightReader
    {
        private readonly IReadOnlyDictionary<string, NamedArray> _weights;
        private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
        private readonly BertConfig _config;

        public WeightReader(IReadOnlyDictionary<string, NamedArray> weights, BertConfig config)
        {
            _weights = weights;
            _config = config;
        }

        public string Named(string name, OnnxGraphBuilder g)
        {
            if (_written.TryGetValue(name, out var existing)) return existing;
            var a = Get(name);
            return _written[name] = g.Initializer(name, a.Data, a.Shape);
        }

        public string Transposed(string name, OnnxGraphBuilder g)
        {
            if (_written.TryGetValue(name, out var existing)) return existing;
            var a = Get(name);
            if (a.Shape.Length != 2) throw new InvalidDataException($"weight '{name}' has shape {a.ShapeText}; a Linear weight is (out, in).");
            int rows = (int)a.Shape[0], cols = (int)a.Shape[1];
            var t = new float[a.Data.Length];
            for (int r = 0; r < rows; r++)
                for (int col = 0; col < cols; col++)
                    t[(long)col * rows + r] = a.Data[(long)r * cols + col];
            return _written[name] = g.Initializer(g.UniqueName(name.Replace('.', '_') + "_t"), t, cols, rows);
        }

        /// <summary>Linear weights (out_i, in) side by side as one (in, sum out_i) matrix: several projections in one product.</summary>
        public string TransposedConcat(string[] names, string initializerName, OnnxGraphBuilder g)
        {
            var arrays = names.Select(Get).ToList();
            int rows = (int)arrays[0].Shape[1], cols = arrays.Sum(a => (int)a.Shape[0]);
            if (arrays.Any(a => a.Shape.Length != 2 || a.Shape[1] != rows))
                throw new InvalidDataException($"weights {string.Join(", ", names)} do not share an input width.");
            var t = new float[(long)rows * cols];
            int offset = 0;
            foreach (var a in arrays)
            {
                int outs = (int)a.Shape[0];
                for (int o = 0; o < outs; o++)
                    for (int i = 0; i < rows; i++)
                        t[(long)i * cols + offset + o] = a.Data[(long)o * rows + i];
                offset += outs;
            }
            foreach (var n in names) _written[n] = initializerName;
            return g.Initializer(initializerName, t, rows, cols);
        }

        /// <summary>Vectors one after the other (the biases of <see cref="TransposedConcat"/>).</summary>
        public string Concat(string[] names, string initializerName, OnnxGraphBuilder g)
        {
            var data = names.SelectMany(n => Get(n).Data).ToArray();
            foreach (var n in names) _written[n] = initializerName;
            return g.Initializer(initializerName, data, data.Length);
        }

        /// <summary>Fails when the weights hold names the graph never used (the config does not describe them).</summary>
        public void CheckAllUsed()
        {
            var unused = _weights.Keys.Where(k => !_written.ContainsKey(k)).ToList();
            if (unused.Count > 0)
                throw new InvalidDataException($"{unused.Count} weight(s) the BERT graph does not use, e.g. {string.Join(", ", unused.Take(3))}; does the config match the weights?");
        }

        private NamedArray Get(string name)
        {
            if (!_weights.TryGetValue(name, out var a))
                throw new InvalidDataException($"weight '{name}' is missing; expected a BERT state dict for {_config.NumHiddenLayers} layer(s) of width {_config.HiddenSize}.");
            if (a.Data.Length != a.Count)
                throw new InvalidDataException($"weight '{name}' holds {a.Data.Length} values for shape {a.ShapeText}.");
            return a;
        }
    }
}
