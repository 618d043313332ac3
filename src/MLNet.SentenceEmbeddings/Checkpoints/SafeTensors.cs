using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using MLNet.SentenceEmbeddings.IO;

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
/// Other dtypes (e.g. the int64 position_ids buffer of older checkpoints) are checked and skipped.
/// </summary>
/// <remarks>
/// Files are untrusted: the header length is checked against the file and <see cref="MaxHeaderBytes"/> before
/// anything is allocated, every entry must have a string dtype, a shape of non-negative integers and two offsets that
/// lie in the data section, do not overlap, leave no gap and match dtype x shape; any other file fails with an
/// <see cref="InvalidDataException"/> naming the file (and the tensor). Tensors are read piecewise from the file, so
/// files larger than 2 GiB work (each tensor must fit one .NET array).
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest JSON header accepted: the reference implementation's limit (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private const int ChunkBytes = 1 << 20;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads the float tensors of <paramref name="path"/>, keyed by name.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message names it and the tensor at fault.</exception>
    public static Dictionary<string, NamedArray> Read(string path) => Read(path, out _);

    /// <summary>
    /// Reads from a seekable stream (a zip entry held in memory) with the same checks; <paramref name="name"/> names it
    /// in errors. A stream that cannot seek is copied to memory first.
    /// </summary>
    public static Dictionary<string, NamedArray> Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Stream seekable = stream.CanSeek ? stream : CopyToMemory(stream);
        return ReadFloatTensors(seekable, name, ReadHeader(seekable, name));
    }

    /// <summary>The float tensors (F32, F16, BF16) of a validated header, as float32; entries of other dtypes are skipped.</summary>
    private static Dictionary<string, NamedArray> ReadFloatTensors(Stream stream, string name, SafeTensorsHeader header)
    {
        var result = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            if (entry.DType is not ("F32" or "F16" or "BF16")) continue;
            result[entry.Name] = new NamedArray(entry.Name, entry.Shape, ReadFloats(stream, name, header.DataStart, entry));
        }
        return result;
    }

    private static MemoryStream CopyToMemory(Stream stream)
    {
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }

    /// <summary><see cref="Read(string)"/>, also handing back the validated header (every entry, all dtypes).</summary>
    internal static Dictionary<string, NamedArray> Read(string path, out SafeTensorsHeader header)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        using var handle = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        header = ReadHeader(handle, path);
        return ReadFloatTensors(handle, path, header);
    }

    /// <summary>Every entry of the header (all dtypes), validated as <see cref="Read(string)"/> does, without reading tensor data.</summary>
    internal static SafeTensorsHeader ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        using var handle = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        return ReadHeader(handle, path);
    }

    private static SafeTensorsHeader ReadHeader(Stream handle, string path)
    {
        long fileLength = handle.Length;
        if (fileLength < 8) throw new InvalidDataException($"{path}: {fileLength} bytes, too short for a safetensors file (8-byte header length, JSON header, data).");
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(handle, path, prefix, 0);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        // Compared as unsigned before any arithmetic: a length near 2^63 or 2^64 must not overflow into a small number.
        if (declared == 0 || declared > (ulong)(fileLength - 8) || declared > MaxHeaderBytes)
            throw new InvalidDataException(
                $"{path}: header length {declared} does not fit a file of {fileLength} bytes (at most {Math.Min(fileLength - 8, MaxHeaderBytes)}); not a safetensors file.");
        var json = new byte[(int)declared];
        ReadExactly(handle, path, json, 8);
        long dataStart = 8 + (long)declared;
        return ParseHeader(json, path, dataStart, fileLength - dataStart);
    }

    private static SafeTensorsHeader ParseHeader(byte[] json, string path, long dataStart, long dataLength)
    {
        // Invalid UTF-8 in a name would only fail later, naming no file.
        try { StrictUtf8.GetCharCount(json); }
        catch (DecoderFallbackException e) { throw new InvalidDataException($"{path}: the safetensors header is not UTF-8 (byte {8 + e.Index}).", e); }
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: unreadable safetensors header ({e.Message}).", e); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: the safetensors header is a JSON {root.ValueKind}, expected an object of tensors.");
            var entries = new List<SafeTensorEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                string name = property.Name;
                if (!names.Add(name)) throw new InvalidDataException($"{path}: tensor '{name}' appears twice in the header.");
                if (name == MetadataKey)
                {
                    ReadMetadata(property.Value, path, metadata);
                    continue;
                }
                entries.Add(ParseEntry(property.Value, path, name, dataLength));
            }
            CheckLayout(entries, path, dataLength);
            return new SafeTensorsHeader(path, dataStart, entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, string path, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null) return;
        if (value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: {MetadataKey} is a JSON {value.ValueKind}, expected an object of strings.");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{path}: {MetadataKey}.{item.Name} is a JSON {item.Value.ValueKind}, expected a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorEntry ParseEntry(JsonElement value, string path, string name, long dataLength)
    {
        InvalidDataException Bad(string what) => new($"{path}: tensor '{name}': {what}");
        if (value.ValueKind != JsonValueKind.Object) throw Bad($"the entry is a JSON {value.ValueKind}, expected an object with dtype, shape and data_offsets.");
        if (!value.TryGetProperty("dtype", out var dtypeNode) || dtypeNode.ValueKind != JsonValueKind.String)
            throw Bad("dtype is missing or not a string.");
        string dtype = dtypeNode.GetString()!;
        if (!value.TryGetProperty("shape", out var shapeNode) || shapeNode.ValueKind != JsonValueKind.Array)
            throw Bad("shape is missing or not an array.");
        var shape = new long[shapeNode.GetArrayLength()];
        int d = 0;
        foreach (var dim in shapeNode.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long size) || size < 0)
                throw Bad($"shape[{d}] is {dim.GetRawText()}, expected a non-negative integer.");
            shape[d++] = size;
        }
        if (!value.TryGetProperty("data_offsets", out var offsetsNode) || offsetsNode.ValueKind != JsonValueKind.Array || offsetsNode.GetArrayLength() != 2)
            throw Bad("data_offsets is missing or not an array of two offsets.");
        long begin = Offset(offsetsNode[0]), end = Offset(offsetsNode[1]);
        long Offset(JsonElement o) => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long v) && v >= 0
            ? v : throw Bad($"data_offsets holds {o.GetRawText()}, expected a non-negative integer.");
        if (begin > end || end > dataLength)
            throw Bad($"data_offsets [{begin}, {end}] do not lie in the data section of {dataLength} bytes.");
        // Element count and byte size, overflow-checked: a shape of huge dimensions must not wrap around to a match.
        long count = 1;
        try
        {
            foreach (var size in shape) count = checked(count * size);
            if (BitsPerElement(dtype) is int bits)
            {
                long bytes = checked(count * bits + 7) / 8;
                if (bytes != end - begin)
                    throw Bad($"{end - begin} bytes at data_offsets [{begin}, {end}], expected {bytes} for {dtype} [{string.Join(", ", shape)}].");
            }
        }
        catch (OverflowException) { throw Bad($"shape [{string.Join(", ", shape)}] overflows a 64-bit element count."); }
        return new SafeTensorEntry(name, dtype, shape, begin, end);
    }

    /// <summary>The spec's rules for the byte buffer: entries do not overlap, leave no gap, and cover it to its end.</summary>
    private static void CheckLayout(List<SafeTensorEntry> entries, string path, long dataLength)
    {
        long reached = 0;
        string? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < reached)
                throw new InvalidDataException($"{path}: tensor '{e.Name}' (bytes {e.Begin}..{e.End}) overlaps tensor '{previous}' (ending at {reached}).");
            if (e.Begin > reached)
                throw new InvalidDataException($"{path}: bytes {reached}..{e.Begin} of the data section before tensor '{e.Name}' belong to no tensor.");
            reached = e.End;
            previous = e.Name;
        }
        if (reached != dataLength)
            throw new InvalidDataException($"{path}: the tensors cover {reached} bytes of a data section of {dataLength}; the file has trailing or missing bytes.");
    }

    /// <summary>Bits per element of the dtypes the format defines; null for an unknown dtype (checked for placement only, then skipped).</summary>
    private static int? BitsPerElement(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8,
        "I16" or "U16" or "F16" or "BF16" => 16,
        "I32" or "U32" or "F32" => 32,
        "I64" or "U64" or "F64" or "C64" => 64,
        "F4" => 4,
        "F6_E2M3" or "F6_E3M2" => 6,
        _ => null,
    };

    private static float[] ReadFloats(Stream handle, string path, long dataStart, SafeTensorEntry entry)
    {
        long count = entry.Count;
        if (count > Array.MaxLength)
            throw new InvalidDataException($"{path}: tensor '{entry.Name}' has {count} elements, more than one .NET array holds ({Array.MaxLength}).");
        var data = new float[count];
        long position = dataStart + entry.Begin;
        if (entry.DType == "F32")
        {
            // Straight into the array's bytes, a chunk at a time (a span of bytes cannot exceed 2 GiB).
            for (int i = 0; i < data.Length; i += ChunkBytes / 4)
            {
                int n = Math.Min(ChunkBytes / 4, data.Length - i);
                ReadExactly(handle, path, MemoryMarshal.AsBytes(data.AsSpan(i, n)), position);
                position += (long)n * 4;
            }
            if (!BitConverter.IsLittleEndian)
            {
                var ints = MemoryMarshal.Cast<float, int>(data.AsSpan());
                for (int i = 0; i < ints.Length; i++) ints[i] = BinaryPrimitives.ReverseEndianness(ints[i]);
            }
            return data;
        }
        bool half = entry.DType == "F16";
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int i = 0; i < data.Length; i += ChunkBytes / 2)
            {
                int n = Math.Min(ChunkBytes / 2, data.Length - i);
                var bytes = buffer.AsSpan(0, n * 2);
                ReadExactly(handle, path, bytes, position);
                position += (long)n * 2;
                for (int k = 0; k < n; k++)
                {
                    data[i + k] = half
                        ? (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(k * 2)..])
                        // bfloat16 is the top half of a float32.
                        : BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(k * 2)..]) << 16);
                }
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        return data;
    }

    private static void ReadExactly(Stream handle, string path, Span<byte> destination, long offset)
    {
        while (destination.Length > 0)
        {
            handle.Position = offset;
            int n = handle.Read(destination);
            // The header said the bytes are there; a file that shrinks while we read is not ours to trust.
            if (n == 0) throw new InvalidDataException($"{path}: ended at byte {offset} while reading; the file is truncated or changed while being read.");
            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>
    /// Writes float32 tensors, keys in ordinal order, with an optional <c>__metadata__</c> map. The file appears whole
    /// or not at all (<see cref="AtomicFile"/>), and tensors are streamed (no copy of the whole file in memory).
    /// </summary>
    /// <exception cref="ArgumentException">Two tensors share a name, a name is empty, or a shape does not match its data.</exception>
    public static void Write(string path, IEnumerable<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        byte[] header = BuildHeader(list, metadata);
        // The format asks for the data to start 8-byte aligned; pad the header with spaces.
        int pad = (8 - header.Length % 8) % 8;
        AtomicFile.Write(path, stream => WriteTo(stream, list, header, pad));
    }

    /// <summary>Writes float32 tensors to a stream (a model sink's file), in the same layout as <see cref="Write(string, IEnumerable{NamedArray}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    public static void Write(Stream stream, IEnumerable<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        byte[] header = BuildHeader(list, metadata);
        WriteTo(stream, list, header, (8 - header.Length % 8) % 8);
    }

    private static void WriteTo(Stream stream, List<NamedArray> list, byte[] header, int pad)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, header.Length + pad);
        stream.Write(length);
        stream.Write(header);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var t in list) WriteFloats(stream, t.Data);
    }

    private static byte[] BuildHeader(List<NamedArray> list, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            string? previous = null;
            foreach (var t in list)
            {
                ArgumentNullException.ThrowIfNull(t, "tensors");
                if (string.IsNullOrEmpty(t.Name) || t.Name == MetadataKey)
                    throw new ArgumentException($"A tensor name must be non-empty and not {MetadataKey}, got '{t.Name}'.", "tensors");
                if (t.Name == previous) throw new ArgumentException($"Two tensors are named '{t.Name}'.", "tensors");
                if (t.Shape.Any(s => s < 0) || t.Count != t.Data.Length)
                    throw new ArgumentException($"Tensor '{t.Name}': shape {t.ShapeText} does not hold its {t.Data.Length} values.", "tensors");
                long size = (long)t.Data.Length * 4;
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var s in t.Shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
                previous = t.Name;
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (int i = 0; i < data.Length; i += ChunkBytes / 4)
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan(i, Math.Min(ChunkBytes / 4, data.Length - i))));
            return;
        }
        Span<byte> one = stackalloc byte[4];
        foreach (float v in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(one, v);
            stream.Write(one);
        }
    }
}

/// <summary>One header entry: name, dtype, shape and byte range relative to the data section.</summary>
internal sealed record SafeTensorEntry(string Name, string DType, long[] Shape, long Begin, long End)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>A validated safetensors header: where the data starts, the entries in file order, and the metadata.</summary>
internal sealed record SafeTensorsHeader(string Path, long DataStart, IReadOnlyList<SafeTensorEntry> Entries, IReadOnlyDictionary<string, string> Metadata);
