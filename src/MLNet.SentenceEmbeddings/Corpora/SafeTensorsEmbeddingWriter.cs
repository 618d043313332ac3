using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// safetensors with one tensor: an 8-byte little-endian header length, a JSON header
/// {"embeddings":{"dtype":"F32","shape":[rows,dimension],"data_offsets":[0,bytes]}} padded with spaces (the format
/// allows trailing spaces) to a multiple of 8 bytes, then the float32 rows. As for .npy, the header is written with
/// room for any row count and rewritten by <see cref="Finish"/>.
/// </summary>
internal sealed class SafeTensorsEmbeddingWriter : EmbeddingWriter
{
    /// <summary>The tensor's name.</summary>
    internal const string TensorName = "embeddings";
    private readonly int _headerBytes;

    public SafeTensorsEmbeddingWriter(string path, int dimension, EmbeddingWriterOptions options) : base(path, dimension, options)
    {
        _headerBytes = Json(long.MaxValue / ((long)dimension * 4), dimension).Length + 8;
        _headerBytes = (_headerBytes + 7) / 8 * 8;
        Stream.Write(Header(0));
    }

    private protected override void WriteRows(ReadOnlySpan<float> rows, int count) => WriteLittleEndianFloats(rows);

    private protected override void Finish()
    {
        long end = Stream.Position;
        Stream.Position = 0;
        Stream.Write(Header(RowsWritten));
        Stream.Position = end;
    }

    private byte[] Header(long rows)
    {
        var bytes = new byte[8 + _headerBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)_headerBytes);
        string json = Json(rows, Dimension).PadRight(_headerBytes);
        Encoding.ASCII.GetBytes(json, 0, json.Length, bytes, 8);
        return bytes;
    }

    private static string Json(long rows, int dimension) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"{TensorName}\":{{\"dtype\":\"F32\",\"shape\":[{rows},{dimension}],\"data_offsets\":[0,{rows * dimension * 4}]}}}}");
}
