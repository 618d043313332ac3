using System.Globalization;
using System.Text;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// NumPy's .npy format 1.0: the magic "\x93NUMPY", version 1.0, a little-endian uint16 header length, a Python dict
/// literal ({'descr': '&lt;f4', 'fortran_order': False, 'shape': (rows, dimension), }) padded with spaces and a "\n"
/// so that the data starts at a multiple of 64 bytes, then the float32 rows. The row count is not known while
/// streaming: the header is written with room for any count and rewritten in place by <see cref="Finish"/>.
/// </summary>
internal sealed class NpyEmbeddingWriter : EmbeddingWriter
{
    internal static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };
    private const int Alignment = 64;
    private readonly int _headerBytes;

    public NpyEmbeddingWriter(string path, int dimension, EmbeddingWriterOptions options) : base(path, dimension, options)
    {
        // Sized for the largest possible row count, so that the final header fits the same bytes.
        _headerBytes = Header(long.MaxValue, dimension, 0).Length;
        Stream.Write(Header(0, dimension, _headerBytes));
    }

    private protected override void WriteRows(ReadOnlySpan<float> rows, int count) => WriteLittleEndianFloats(rows);

    private protected override void Finish()
    {
        long end = Stream.Position;
        Stream.Position = 0;
        Stream.Write(Header(RowsWritten, Dimension, _headerBytes));
        Stream.Position = end;
    }

    /// <summary>The whole preamble (magic to "\n") for <paramref name="rows"/>; padded to <paramref name="totalBytes"/> when that is not 0.</summary>
    internal static byte[] Header(long rows, int dimension, int totalBytes)
    {
        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dimension}), }}");
        int prefix = Magic.Length + 2 + 2;
        int total = totalBytes > 0 ? totalBytes : (prefix + dict.Length + 1 + Alignment - 1) / Alignment * Alignment;
        int headerLength = total - prefix;
        if (dict.Length + 1 > headerLength || headerLength > ushort.MaxValue) throw new InvalidOperationException("npy header does not fit.");
        var bytes = new byte[total];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1; // major version
        bytes[7] = 0; // minor version
        bytes[8] = (byte)(headerLength & 0xFF);
        bytes[9] = (byte)(headerLength >> 8);
        string padded = dict.PadRight(headerLength - 1) + "\n";
        Encoding.ASCII.GetBytes(padded, 0, padded.Length, bytes, prefix);
        return bytes;
    }
}
