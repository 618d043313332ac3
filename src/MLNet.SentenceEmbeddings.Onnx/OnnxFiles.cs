using Google.Protobuf;
using MLNet.SentenceEmbeddings.IO;
using Onnx;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>Reading and writing ONNX model files (protobuf ModelProto, through OnnxSharp's generated types).</summary>
internal static class OnnxFiles
{
    /// <summary>protobuf cannot serialise a message of 2 GB or more; larger models need ONNX external data.</summary>
    public const long MaxProtobufBytes = int.MaxValue;

    /// <summary>Parses an ONNX file; errors name the file.</summary>
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file not found: {path}", path);
        long length = new FileInfo(path).Length;
        if (length == 0 || length > MaxProtobufBytes)
            throw new InvalidDataException($"{path}: {length} bytes; an ONNX file holds 1 byte to 2 GB (external data is not supported).");
        using var stream = File.OpenRead(path);
        return Parse(stream, path);
    }

    /// <summary>Parses a ModelProto from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static ModelProto Parse(Stream stream, string source)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(stream); }
        catch (InvalidProtocolBufferException e) { throw new InvalidDataException($"{source}: not an ONNX model ({e.Message}).", e); }
        if (model.Graph is null) throw new InvalidDataException($"{source}: the ONNX model has no graph.");
        return model;
    }

    /// <summary>The serialised model; fails clearly past protobuf's 2 GB limit.</summary>
    public static byte[] ToBytes(ModelProto model)
    {
        long size = model.CalculateSize();
        if (size <= 0 || size >= MaxProtobufBytes)
            throw new NotSupportedException($"The ONNX model would take {size} bytes; protobuf files stop at 2 GB and external data is not supported yet.");
        return model.ToByteArray();
    }

    /// <summary>Writes whole or not at all (<see cref="AtomicFile"/>: a temporary sibling file, then a rename over <paramref name="path"/>).</summary>
    public static void Write(ModelProto model, string path) => AtomicFile.WriteAllBytes(path, ToBytes(model));
}
