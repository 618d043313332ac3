using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>
/// Appends nodes, initializers and graph inputs/outputs to an ONNX <see cref="GraphProto"/> (OnnxSharp's generated
/// protobuf types). Every node output gets a unique name from a readable hint; constants are shared by value.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX domain of ONNX Runtime's contrib operators (DynamicQuantizeMatMul, ...).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private readonly Dictionary<string, int> _hints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string graphName) => Graph = new GraphProto { Name = graphName };

    public OnnxGraphBuilder(GraphProto graph)
    {
        Graph = graph;
        foreach (var n in graph.Node) foreach (var o in n.Output) _names.Add(o);
        foreach (var i in graph.Initializer) _names.Add(i.Name);
        foreach (var i in graph.Input) _names.Add(i.Name);
    }

    public GraphProto Graph { get; }

    /// <summary>A name not used yet in this graph, built from <paramref name="hint"/>.</summary>
    public string UniqueName(string hint)
    {
        if (_names.Add(hint)) return hint;
        int n = _hints.GetValueOrDefault(hint);
        string name;
        do name = $"{hint}_{++n}"; while (!_names.Add(name));
        _hints[hint] = n;
        return name;
    }

    /// <summary>A graph input; a dimension is a symbolic name (string) or a fixed size (long/int).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _names.Add(name);
        Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) =>
        Graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>A float32 initializer holding <paramref name="data"/> (row-major) with shape <paramref name="dims"/>.</summary>
    public string Initializer(string name, ReadOnlySpan<float> data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(data), dims, data.Length);

    public string Initializer(string name, ReadOnlySpan<long> data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(data), dims, data.Length);

    public string Initializer(string name, ReadOnlySpan<sbyte> data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(data), dims, data.Length);

    public string Initializer(string name, ReadOnlySpan<byte> data, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Uint8, data, dims, data.Length);

    /// <summary>A float scalar constant (rank 0), shared by all users of the same value.</summary>
    public string Scalar(float value) => Constant($"f:{BitConverter.SingleToInt32Bits(value)}", "const_f", n => Initializer(n, new[] { value }));

    /// <summary>An int64 vector constant (rank 1), shared by all users of the same values.</summary>
    public string Int64s(params long[] values) =>
        Constant("i:" + string.Join(",", values), "const_i", n => Initializer(n, values, values.Length));

    /// <summary>An int64 scalar constant (rank 0).</summary>
    public string Int64Scalar(long value) => Constant($"is:{value}", "const_is", n => Initializer(n, new[] { value }));

    /// <summary>Adds a node with one output named from <paramref name="hint"/>; returns the output's name.</summary>
    public string Node(string opType, string hint, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, hint, inputs, 1, "", attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs (an empty input name leaves an optional input out).</summary>
    public string[] Node(string opType, string hint, IReadOnlyList<string> inputs, int outputs, string domain, params AttributeProto[] attributes)
    {
        var names = Enumerable.Range(0, outputs).Select(i => UniqueName(outputs == 1 ? hint : $"{hint}_out{i}")).ToArray();
        var node = new NodeProto { OpType = opType, Name = UniqueName("node_" + hint), Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return names;
    }

    /// <summary>Adds a node whose output name is given (a graph output).</summary>
    public void NodeTo(string opType, string output, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        _names.Add(output);
        var node = new NodeProto { OpType = opType, Name = UniqueName("node_" + output) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private string Constant(string key, string hint, Func<string, string> create)
    {
        if (_constants.TryGetValue(key, out var name)) return name;
        name = create(UniqueName(hint));
        _constants[key] = name;
        return name;
    }

    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims, long count)
    {
        long expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
            throw new ArgumentException($"initializer '{name}': {count} values for shape [{string.Join(", ", dims)}].", nameof(dims));
        // ONNX raw_data is little-endian; so is every platform .NET and ONNX Runtime ship for.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export needs a little-endian machine.");
        _names.Add(name);
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        Graph.Initializer.Add(t);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                int v => new TensorShapeProto.Types.Dimension { DimValue = v },
                long v => new TensorShapeProto.Types.Dimension { DimValue = v },
                _ => throw new ArgumentException($"dimension {d} of '{name}' must be a name or a size.", nameof(dims)),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
