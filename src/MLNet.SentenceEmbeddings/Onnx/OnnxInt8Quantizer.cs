using Google.Protobuf;
using Onnx;
using static MLNet.SentenceEmbeddings.Onnx.OnnxGraphBuilder;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>How the int8 graph computes a quantized matrix product (measured in docs/onnx.md).</summary>
internal enum Int8Kernel
{
    /// <summary>
    /// Standard operators: DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul. Any ONNX runtime runs it; ONNX Runtime
    /// fuses it into its contrib kernels (MatMulIntegerToFloat, DynamicQuantizeMatMul) and shares one input
    /// quantization between query, key and value, so it runs as fast as writing those kernels directly (the default).
    /// </summary>
    MatMulInteger,
    /// <summary>ONNX Runtime's contrib DynamicQuantizeMatMul: one node quantizes the input and multiplies (bias folded in).</summary>
    DynamicQuantizeMatMul,
}

/// <param name="Kernel">Which operators carry the int8 products.</param>
/// <param name="PerChannel">One scale per output column of a weight (else one per matrix).</param>
/// <param name="ReduceRange">7-bit weights ([-64, 63]): avoids the int16 saturation of x86 CPUs without VNNI (AVX2's vpmaddubsw).</param>
/// <param name="QuantizeAttention">Also quantize the two activation-by-activation products of attention (Q K^T, P V).</param>
/// <param name="FusedAttention">
/// Write attention as the contrib Attention operator (float32 graphs too); int8 turns it into QAttention, which
/// multiplies the int8 (H, 3H) projection and runs the attention core in one kernel.
/// </param>
/// <param name="MultiHeadAttention">
/// Write the attention core as the contrib MultiHeadAttention operator (float32 graphs too): the projections stay
/// (quantized) MatMuls, the head reshapes, transposes, masked softmax and products become one kernel.
/// </param>
/// <param name="SkipLayerNormalization">Residual Add + LayerNormalization as the contrib SkipLayerNormalization.</param>
/// <param name="MergeProjections">
/// Multiply sibling projections of one input (query, key, value) as one (H, 3H) product, then Split: one activation
/// quantization and one wider GEMM instead of three.
/// </param>
internal sealed record Int8Settings(
    Int8Kernel Kernel = Int8Kernel.MatMulInteger,
    bool PerChannel = true,
    bool ReduceRange = false,
    bool QuantizeAttention = false,
    bool FusedAttention = false,
    bool MergeProjections = false,
    bool MultiHeadAttention = false,
    bool SkipLayerNormalization = false)
{
    /// <summary>
    /// What an int8 export writes: QAttention for each self-attention (measured fastest on two threads: it avoids the
    /// head reshapes and transposes) and standard MatMulInteger products elsewhere, or standard operators only.
    /// </summary>
    public static Int8Settings For(OnnxExportOptions options) =>
        new(FusedAttention: !options.StandardOperatorsOnly, ReduceRange: options.ReduceRange);
}

/// <summary>
/// Dynamic int8 quantization of a float32 graph, written here because no Python quantizer is reachable: every MatMul
/// with a constant 2-D weight gets a symmetric int8 weight (zero point 0, scale max|w|/127 per output column) and an
/// input quantized to uint8 at run time (per batch, asymmetric); its bias Add is folded in where the kernel allows.
/// Everything else (embeddings, LayerNorm, softmax, pooling) stays float32.
/// </summary>
internal static class OnnxInt8Quantizer
{
    /// <summary>Weights with fewer elements than this stay float32: quantizing them saves nothing measurable.</summary>
    private const long MinWeightElements = 1024;

    public static void Quantize(ModelProto model, Int8Settings settings)
    {
        var graph = model.Graph;
        if (settings.MergeProjections) MergeSiblingProjections(graph);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(x => x.Input, x => x.Node);
        var g = new OnnxGraphBuilder(graph);
        var oldNodes = graph.Node.ToList();
        graph.Node.Clear();
        var dropped = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var unusedInitializers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in oldNodes)
        {
            if (dropped.Contains(node)) continue;
            if (node.OpType == "MatMul" && node.Domain == "" && node.Input.Count == 2
                && initializers.TryGetValue(node.Input[1], out var w) && IsFloatMatrix(w) && w.Dims[0] * w.Dims[1] >= MinWeightElements)
            {
                var bias = FoldableBias(node, consumers, initializers, w.Dims[1]);
                if (settings.Kernel != Int8Kernel.DynamicQuantizeMatMul) bias = null;
                QuantizeWeightMatMul(g, node, w, bias, settings);
                unusedInitializers.Add(w.Name);
                if (bias is not null) dropped.Add(bias.Value.Add);
            }
            else if (node.OpType == "Attention" && node.Domain == MicrosoftDomain
                     && initializers.TryGetValue(node.Input[1], out var qkv) && IsFloatMatrix(qkv))
            {
                QuantizeAttention(g, node, qkv, settings);
                unusedInitializers.Add(qkv.Name);
            }
            else if (settings.QuantizeAttention && node.OpType == "MatMul" && node.Domain == ""
                     && !initializers.ContainsKey(node.Input[0]) && !initializers.ContainsKey(node.Input[1]))
            {
                QuantizeActivationMatMul(g, node);
            }
            else graph.Node.Add(node);
        }
        foreach (var name in unusedInitializers)
            if (!graph.Node.Any(n => n.Input.Contains(name))) graph.Initializer.Remove(initializers[name]);
        if ((settings.Kernel == Int8Kernel.DynamicQuantizeMatMul || settings.FusedAttention || settings.MultiHeadAttention || settings.SkipLayerNormalization) && !model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
    }

    /// <summary>
    /// Replaces MatMul(x, W_i) + b_i (i = 1..n, same x, constant W_i and b_i) by one MatMul(x, [W_1 .. W_n]) + [b_1 .. b_n]
    /// and a Split whose outputs carry the old Add outputs' names.
    /// </summary>
    internal static void MergeSiblingProjections(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(x => x.Input, x => x.Node);
        var candidates = new List<(NodeProto MatMul, NodeProto Add, TensorProto W, TensorProto B)>();
        foreach (var n in graph.Node)
        {
            if (n.OpType != "MatMul" || n.Domain != "" || n.Input.Count != 2 || !initializers.TryGetValue(n.Input[1], out var w) || !IsFloatMatrix(w)) continue;
            if (FoldableBias(n, consumers, initializers, w.Dims[1]) is { } b && !b.Bias.RawData.IsEmpty) candidates.Add((n, b.Add, w, b.Bias));
        }
        var g = new OnnxGraphBuilder(graph);
        var replaced = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        var removed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (var group in candidates.GroupBy(c => (c.MatMul.Input[0], c.W.Dims[0])).Where(grp => grp.Count() > 1))
        {
            var items = group.ToList();
            int rows = (int)items[0].W.Dims[0];
            var widths = items.Select(i => (int)i.W.Dims[1]).ToArray();
            int cols = widths.Sum();
            var weight = new float[(long)rows * cols];
            var bias = new float[cols];
            int offset = 0;
            foreach (var (_, _, w, b) in items)
            {
                var wd = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.RawData.Span);
                int n = (int)w.Dims[1];
                for (int r = 0; r < rows; r++) wd.Slice(r * n, n).CopyTo(weight.AsSpan(r * cols + offset, n));
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(b.RawData.Span).CopyTo(bias.AsSpan(offset, n));
                offset += n;
            }
            string hint = items[0].W.Name + "_merged";
            var mark = graph.Node.Count;
            var product = g.Node("MatMul", hint + "_matmul", new[] { group.Key.Item1, g.Initializer(g.UniqueName(hint), weight, rows, cols) });
            var sum = g.Node("Add", hint + "_out", new[] { product, g.Initializer(g.UniqueName(hint + "_bias"), bias, cols) });
            var split = new NodeProto { OpType = "Split", Name = g.UniqueName("node_" + hint + "_split") };
            split.Input.AddRange(new[] { sum, g.Int64s(widths.Select(x => (long)x).ToArray()) });
            split.Output.AddRange(items.Select(i => i.Add.Output[0]));
            split.Attribute.Add(Int("axis", -1));
            // The builder appended the new nodes at the end; they belong where the first projection was.
            var added = graph.Node.Skip(mark).ToList();
            foreach (var a in added) graph.Node.Remove(a);
            added.Add(split);
            replaced[items[0].MatMul] = added;
            foreach (var i in items) { removed.Add(i.MatMul); removed.Add(i.Add); }
            foreach (var i in items) { graph.Initializer.Remove(i.W); graph.Initializer.Remove(i.B); }
        }
        if (replaced.Count == 0) return;
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        foreach (var n in nodes)
        {
            if (replaced.TryGetValue(n, out var with)) graph.Node.AddRange(with);
            else if (!removed.Contains(n)) graph.Node.Add(n);
        }
    }

    private static bool IsFloatMatrix(TensorProto t) =>
        t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Count == 2 && !t.RawData.IsEmpty;

    /// <summary>The single Add right after <paramref name="matmul"/> whose other input is a (N) float initializer.</summary>
    private static (NodeProto Add, TensorProto Bias)? FoldableBias(NodeProto matmul, ILookup<string, NodeProto> consumers,
        Dictionary<string, TensorProto> initializers, long columns)
    {
        var users = consumers[matmul.Output[0]].ToList();
        if (users.Count != 1 || users[0].OpType != "Add" || users[0].Input.Count != 2) return null;
        var add = users[0];
        string other = add.Input[0] == matmul.Output[0] ? add.Input[1] : add.Input[0];
        return initializers.TryGetValue(other, out var b) && b.DataType == (int)TensorProto.Types.DataType.Float
               && b.Dims.Count == 1 && b.Dims[0] == columns ? (add, b) : null;
    }

    private static void QuantizeWeightMatMul(OnnxGraphBuilder g, NodeProto matmul, TensorProto w, (NodeProto Add, TensorProto Bias)? bias, Int8Settings s)
    {
        int rows = (int)w.Dims[0], cols = (int)w.Dims[1];
        var data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.RawData.Span);
        var (q, scales) = QuantizeSymmetric(data, rows, cols, s.PerChannel, s.ReduceRange ? 63 : 127);
        string hint = w.Name;
        string qName = g.Initializer(g.UniqueName(hint + "_int8"), q, rows, cols);
        string scale = scales.Length == 1
            ? g.Initializer(g.UniqueName(hint + "_scale"), scales)
            : g.Initializer(g.UniqueName(hint + "_scale"), scales, cols);
        var zeros = new sbyte[scales.Length];
        string zero = scales.Length == 1
            ? g.Initializer(g.UniqueName(hint + "_zero_point"), zeros)
            : g.Initializer(g.UniqueName(hint + "_zero_point"), zeros, cols);
        string output = bias is { } b ? b.Add.Output[0] : matmul.Output[0];
        if (s.Kernel == Int8Kernel.DynamicQuantizeMatMul)
        {
            var node = new NodeProto { OpType = "DynamicQuantizeMatMul", Domain = MicrosoftDomain, Name = g.UniqueName("node_" + output) };
            node.Input.AddRange(new[] { matmul.Input[0], qName, scale, zero, bias?.Bias.Name ?? "" });
            node.Output.Add(output);
            g.Graph.Node.Add(node);
            return;
        }
        var dq = g.Node("DynamicQuantizeLinear", output + "_quant", new[] { matmul.Input[0] }, 3, "");
        var product = g.Node("MatMulInteger", output + "_int32", new[] { dq[0], qName, dq[2], zero });
        var asFloat = g.Node("Cast", output + "_float", new[] { product }, Int("to", (long)TensorProto.Types.DataType.Float));
        var multiplier = g.Node("Mul", output + "_multiplier", new[] { dq[1], scale });
        AddNamed(g, "Mul", output, asFloat, multiplier);
    }

    /// <summary>Attention(x, W, b, mask) -> DynamicQuantizeLinear(x) -> QAttention(x_q, W_int8, b, x_scale, w_scale, mask, x_zp, w_zp).</summary>
    private static void QuantizeAttention(OnnxGraphBuilder g, NodeProto attention, TensorProto w, Int8Settings s)
    {
        int rows = (int)w.Dims[0], cols = (int)w.Dims[1];
        var data = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.RawData.Span);
        var (q, scales) = QuantizeSymmetric(data, rows, cols, s.PerChannel, s.ReduceRange ? 63 : 127);
        string qName = g.Initializer(g.UniqueName(w.Name + "_int8"), q, rows, cols);
        long[] dims = scales.Length == 1 ? Array.Empty<long>() : new long[] { cols };
        string scale = g.Initializer(g.UniqueName(w.Name + "_scale"), scales, dims);
        string zero = g.Initializer(g.UniqueName(w.Name + "_zero_point"), new sbyte[scales.Length], dims);
        string output = attention.Output[0];
        var dq = g.Node("DynamicQuantizeLinear", output + "_quant", new[] { attention.Input[0] }, 3, "");
        var node = new NodeProto { OpType = "QAttention", Domain = MicrosoftDomain, Name = g.UniqueName("node_" + output) };
        node.Input.AddRange(new[] { dq[0], qName, attention.Input[2], dq[1], scale, attention.Input.Count > 3 ? attention.Input[3] : "", dq[2], zero });
        node.Output.Add(output);
        node.Attribute.AddRange(attention.Attribute);
        g.Graph.Node.Add(node);
    }

    private static void QuantizeActivationMatMul(OnnxGraphBuilder g, NodeProto matmul)
    {
        string output = matmul.Output[0];
        var a = g.Node("DynamicQuantizeLinear", output + "_a_quant", new[] { matmul.Input[0] }, 3, "");
        var b = g.Node("DynamicQuantizeLinear", output + "_b_quant", new[] { matmul.Input[1] }, 3, "");
        var product = g.Node("MatMulInteger", output + "_int32", new[] { a[0], b[0], a[2], b[2] });
        var asFloat = g.Node("Cast", output + "_float", new[] { product }, Int("to", (long)TensorProto.Types.DataType.Float));
        var multiplier = g.Node("Mul", output + "_multiplier", new[] { a[1], b[1] });
        AddNamed(g, "Mul", output, asFloat, multiplier);
    }

    private static void AddNamed(OnnxGraphBuilder g, string op, string output, params string[] inputs)
    {
        var node = new NodeProto { OpType = op, Name = g.UniqueName("node_" + output) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        g.Graph.Node.Add(node);
    }

    /// <summary>
    /// Symmetric int8 quantization of a (rows, cols) matrix: q = round(w / scale), scale = max|w| / <paramref name="qmax"/>
    /// per column (or over the whole matrix); an all-zero column gets scale 1.
    /// </summary>
    internal static (sbyte[] Values, float[] Scales) QuantizeSymmetric(ReadOnlySpan<float> w, int rows, int cols, bool perChannel, int qmax)
    {
        var maxAbs = new float[perChannel ? cols : 1];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int k = perChannel ? c : 0;
                maxAbs[k] = Math.Max(maxAbs[k], Math.Abs(w[r * cols + c]));
            }
        var scales = maxAbs.Select(m => m > 0 ? m / qmax : 1f).ToArray();
        var q = new sbyte[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                float v = MathF.Round(w[r * cols + c] / scales[perChannel ? c : 0], MidpointRounding.ToEven);
                q[r * cols + c] = (sbyte)Math.Clamp(v, -qmax, qmax);
            }
        return (q, scales);
    }
}
