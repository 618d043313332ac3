using Google.Protobuf;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// Recovers a Hugging Face BERT state dict from an exported ONNX graph, reading the protobuf wire format directly
/// (ModelProto.graph -> GraphProto.node / initializer -> TensorProto).
/// </summary>
/// <remarks>
/// Named initializers already carry Hugging Face names (embeddings.*, *.bias, *.LayerNorm.*). Linear weights are
/// anonymous: each is the second input of a MatMul whose output feeds an Add with the named bias, so the bias
/// "X.bias" names the weight "X.weight". ONNX stores it (in, out); torch's Linear.weight is (out, in), hence the
/// transpose.
/// </remarks>
public static class OnnxInitializers
{
    private const int FloatType = 1;

    private sealed record Node(string OpType, List<string> Inputs, List<string> Outputs);

    public static Dictionary<string, NamedArray> ReadBertStateDict(Stream onnx, string source)
    {
        var (nodes, inits) = ReadGraph(onnx, source);
        var state = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (name, t) in inits)
            if (!IsAnonymous(name)) state[name] = t;

        var consumers = nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n)))
                             .ToLookup(x => x.Input, x => x.Node);
        foreach (var matmul in nodes.Where(n => n.OpType == "MatMul" && n.Inputs.Count == 2))
        {
            if (!inits.TryGetValue(matmul.Inputs[1], out var weight) || !IsAnonymous(weight.Name) || weight.Shape.Length != 2) continue;
            var add = consumers[matmul.Outputs[0]].FirstOrDefault(n => n.OpType == "Add");
            string? bias = add?.Inputs.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && inits.ContainsKey(i));
            if (bias is null) continue;
            string weightName = bias[..^".bias".Length] + ".weight";
            state[weightName] = Transpose(weight, weightName);
        }
        if (!state.ContainsKey("embeddings.word_embeddings.weight"))
            throw new InvalidDataException($"{source}: no initializer named embeddings.word_embeddings.weight; not a BERT export this reader understands.");
        return state;
    }

    private static bool IsAnonymous(string name) => !name.Contains('.');

    private static NamedArray Transpose(NamedArray w, string name)
    {
        long rows = w.Shape[0], cols = w.Shape[1];
        var data = new float[w.Data.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
                data[c * rows + r] = w.Data[r * cols + c];
        return new NamedArray(name, new[] { cols, rows }, data);
    }

    private static (List<Node> Nodes, Dictionary<string, NamedArray> Inits) ReadGraph(Stream onnx, string source)
    {
        var model = new CodedInputStream(onnx);
        ByteString? graph = null;
        uint tag;
        while ((tag = model.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 7) graph = model.ReadBytes(); // ModelProto.graph
            else model.SkipLastField();
        }
        if (graph is null) throw new InvalidDataException($"{source}: no graph in the ONNX model.");
        var nodes = new List<Node>();
        var inits = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        var g = graph.CreateCodedInput();
        while ((tag = g.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: nodes.Add(ReadNode(g.ReadBytes())); break;          // GraphProto.node
                case 5:                                                      // GraphProto.initializer
                    var t = ReadTensor(g.ReadBytes());
                    if (t is not null) inits[t.Name] = t;
                    break;
                default: g.SkipLastField(); break;
            }
        }
        return (nodes, inits);
    }

    private static Node ReadNode(ByteString bytes)
    {
        var s = bytes.CreateCodedInput();
        var node = new Node("", new List<string>(), new List<string>());
        string op = "";
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: node.Inputs.Add(s.ReadString()); break;
                case 2: node.Outputs.Add(s.ReadString()); break;
                case 4: op = s.ReadString(); break;
                default: s.SkipLastField(); break;
            }
        }
        return node with { OpType = op };
    }

    /// <summary>A float TensorProto (raw_data or float_data); other element types return null.</summary>
    private static NamedArray? ReadTensor(ByteString bytes)
    {
        var s = bytes.CreateCodedInput();
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        ByteString? raw = null;
        var floats = new List<float>();
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            var wire = WireFormat.GetTagWireType(tag);
            switch (field)
            {
                case 1 when wire == WireFormat.WireType.LengthDelimited:
                    var packed = s.ReadBytes().CreateCodedInput();
                    while (!packed.IsAtEnd) dims.Add(packed.ReadInt64());
                    break;
                case 1: dims.Add(s.ReadInt64()); break;
                case 2: dataType = s.ReadInt32(); break;
                case 4 when wire == WireFormat.WireType.LengthDelimited:
                    var pf = s.ReadBytes().CreateCodedInput();
                    while (!pf.IsAtEnd) floats.Add(pf.ReadFloat());
                    break;
                case 4: floats.Add(s.ReadFloat()); break;
                case 8: name = s.ReadString(); break;
                case 9: raw = s.ReadBytes(); break;
                default: s.SkipLastField(); break;
            }
        }
        if (dataType != FloatType) return null;
        float[] data = raw is not null
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.Span).ToArray()
            : floats.ToArray();
        return new NamedArray(name, dims.ToArray(), data);
    }
}
