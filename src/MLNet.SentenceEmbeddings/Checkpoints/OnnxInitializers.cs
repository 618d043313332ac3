using System.Runtime.InteropServices;
using MLNet.SentenceEmbeddings.Onnx;
using Onnx;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// Recovers a Hugging Face BERT state dict from an exported ONNX graph (parsed with OnnxSharp's generated protobuf
/// types: ModelProto.graph -> node / initializer).
/// </summary>
/// <remarks>
/// Named initializers already carry Hugging Face names (embeddings.*, *.bias, *.LayerNorm.*). Linear weights are
/// anonymous: each is the second input of a MatMul whose output feeds an Add with the named bias, so the bias
/// "X.bias" names the weight "X.weight". ONNX stores it (in, out); torch's Linear.weight is (out, in), hence the
/// transpose. <see cref="OnnxExporter"/> writes the same convention, so its transformer graphs read back too.
/// </remarks>
public static class OnnxInitializers
{
    public static Dictionary<string, NamedArray> ReadBertStateDict(Stream onnx, string source)
    {
        var graph = OnnxFiles.Parse(onnx, source).Graph;
        var inits = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            if (ToArray(t, source) is { } a) inits[a.Name] = a;

        var state = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (name, t) in inits)
            if (!IsAnonymous(name)) state[name] = t;

        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n)))
                                  .ToLookup(x => x.Input, x => x.Node);
        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2))
        {
            if (!inits.TryGetValue(matmul.Input[1], out var weight) || !IsAnonymous(weight.Name) || weight.Shape.Length != 2) continue;
            var add = consumers[matmul.Output[0]].FirstOrDefault(n => n.OpType == "Add");
            string? bias = add?.Input.FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && inits.ContainsKey(i));
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

    /// <summary>A float TensorProto (raw_data or float_data) as a <see cref="NamedArray"/>; other element types give null.</summary>
    private static NamedArray? ToArray(TensorProto t, string source)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float) return null;
        var dims = t.Dims.ToArray();
        long count = dims.Aggregate(1L, (a, b) => a * b);
        float[] data = t.RawData.IsEmpty ? t.FloatData.ToArray() : MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        if (dims.Any(d => d < 0) || data.Length != count)
            throw new InvalidDataException($"{source}: initializer '{t.Name}' holds {data.Length} floats for shape [{string.Join(", ", dims)}].");
        return new NamedArray(t.Name, dims, data);
    }
}
