using System.Text;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>A .txt corpus: one row per line (LF or CRLF), UTF-8 with or without a byte-order mark.</summary>
internal static class TextLineCorpus
{
    // Large buffers: a corpus is read front to back once.
    internal const int BufferSize = 1 << 16;

    public static IEnumerable<CorpusRow> Read(string path, CancellationToken cancellationToken)
    {
        using var reader = OpenText(path);
        long index = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if ((index & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            yield return new CorpusRow(index++, line);
        }
    }

    public static long CountRows(string path, CancellationToken cancellationToken)
    {
        // Counts lines as StreamReader.ReadLine would split them (\n, \r\n or a lone \r), without decoding text.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        var buffer = new byte[BufferSize];
        long lines = 0;
        bool pendingCr = false, lineOpen = false;
        int read, start = 0;
        bool first = true;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A UTF-8 byte-order mark is not text (StreamReader drops it too).
            if (first && read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
            first = false;
            for (int i = start; i < read; i++)
            {
                byte b = buffer[i];
                if (b == (byte)'\n')
                {
                    if (!pendingCr) lines++;
                    pendingCr = false;
                    lineOpen = false;
                }
                else if (b == (byte)'\r') { lines++; pendingCr = true; lineOpen = false; }
                else { pendingCr = false; lineOpen = true; }
            }
            start = 0;
        }
        return lines + (lineOpen ? 1 : 0);
    }

    internal static StreamReader OpenText(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan),
            new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, BufferSize);
}
