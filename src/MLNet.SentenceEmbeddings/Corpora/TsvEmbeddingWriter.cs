using System.Globalization;
using System.Text;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// One line per row, floats separated by tabs, "\n" line ends, UTF-8 without a byte-order mark; each float printed
/// in the shortest form that parses back to the same bits, so shards concatenate byte for byte.
/// </summary>
internal sealed class TsvEmbeddingWriter : EmbeddingWriter
{
    private readonly StreamWriter _text;
    private readonly StringBuilder _line = new();

    public TsvEmbeddingWriter(string path, int dimension, EmbeddingWriterOptions options) : base(path, dimension, options) =>
        _text = new StreamWriter(Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };

    private protected override void WriteRows(ReadOnlySpan<float> rows, int count)
    {
        for (int r = 0; r < count; r++)
        {
            _line.Clear();
            var row = rows.Slice(r * Dimension, Dimension);
            for (int d = 0; d < row.Length; d++)
            {
                if (d > 0) _line.Append('\t');
                _line.Append(row[d].ToString("R", CultureInfo.InvariantCulture));
            }
            _text.WriteLine(_line);
        }
    }

    private protected override void Finish() => _text.Flush();

    private protected override void DisposeFormat() => _text.Dispose();
}
