using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>A named tensor held as float32 values in row-major order (how checkpoints travel between formats).</summary>
public sealed record NamedArray(string Name, long[] Shape, float[] Data)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// Reads and writes the safetensors format (an 8-byte little-endian header length, a JSON header of
/// name -> dtype/shape/data_offsets, then the raw bytes). F32, F16, BF16 read as float32; F32 is written.
/// Non-float entries (e.g. int64 position_ids buffers) are skipped on read.
/// </summary>
public static class SafeTensors
{
    public static Dictionary<string, NamedArray> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a safetensors file from a stream (a zip entry); <paramref name="name"/> names it in errors.</summary>
    public static Dictionary<string, NamedArray> Read(Stream stream, string name)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Parse(memory.ToArray(), name);
    }

    private static Dictionary<string, NamedArray> Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 8) throw new InvalidDataException($"{path}: too short for a safetensors file.");
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength <= 0 || 8 + headerLength > bytes.Length)
            throw new InvalidDataException($"{path}: header length {headerLength} does not fit a file of {bytes.Length} bytes; not a safetensors file.");
        JsonObject header;
        try { header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength))!.AsObject(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        { throw new InvalidDataException($"{path}: unreadable safetensors header ({e.Message}).", e); }
        long dataStart = 8 + headerLength;
        var result = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is null) continue;
            string dtype = node["dtype"]!.GetValue<string>();
            var shape = node["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            long begin = dataStart + offsets[0], end = dataStart + offsets[1];
            if (end > bytes.Length || begin > end)
                throw new InvalidDataException($"{path}: tensor '{name}' points past the end of the file (offsets {offsets[0]}..{offsets[1]}).");
            long count = shape.Aggregate(1L, (a, b) => a * b);
            int width = dtype switch { "F32" => 4, "F16" or "BF16" => 2, _ => 0 };
            if (width == 0) continue;
            if ((end - begin) != count * width)
                throw new InvalidDataException($"{path}: tensor '{name}' has {end - begin} bytes, expected {count * width} for {dtype} {string.Join("x", shape)}.");
            var data = new float[count];
            var span = bytes.AsSpan((int)begin, (int)(end - begin));
            for (long i = 0; i < count; i++)
            {
                data[i] = dtype switch
                {
                    "F32" => BinaryPrimitives.ReadSingleLittleEndian(span[(int)(i * 4)..]),
                    "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(span[(int)(i * 2)..]),
                    _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(i * 2)..]) << 16),
                };
            }
            result[name] = new NamedArray(name, shape, data);
        }
        return result;
    }

    /// <summary>Writes float32 tensors, keys in ordinal order, with an optional <c>__metadata__</c> map.</summary>
    public static void Write(string path, IEnumerable<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = File.Create(path);
        Write(stream, tensors, metadata);
    }

    /// <summary>Writes float32 tensors to a stream, keys in ordinal order, with an optional <c>__metadata__</c> map.</summary>
    public static void Write(Stream stream, IEnumerable<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is not null)
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var t in list)
        {
            long size = t.Count * 4;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format asks for the data to start 8-byte aligned; pad the header with spaces.
        int pad = (8 - headerBytes.Length % 8) % 8;
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(len, headerBytes.Length + pad);
        stream.Write(len);
        stream.Write(headerBytes);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var t in list)
        {
            var raw = new byte[t.Data.Length * 4];
            for (int i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), t.Data[i]);
            stream.Write(raw);
        }
    }
}
