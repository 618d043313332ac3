using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// Writes sentence vectors to a .tsv, .npy, .parquet or .safetensors file in a streaming way: rows are appended as they
/// are computed (memory stays bounded by what the caller passes in one call), and the file appears whole or not at all.
/// It is written to a temporary sibling and renamed over <see cref="Path"/> by <see cref="Complete"/>; disposing a
/// writer that was not completed (an error, a cancellation) deletes the temporary file. The bytes written depend only
/// on the rows, never on how they were split into calls, so parts of a corpus written separately and streamed into one
/// writer give the same file as a single pass.
/// </summary>
/// <example><code>
/// using (var writer = EmbeddingWriter.Create("vectors.npy", encoder.Dimension))
/// {
///     foreach (var batch in batches) writer.Write(encoder.EncodeFlat(batch));   // row-major floats
///     writer.Complete();                                                          // vectors.npy appears here
/// }
/// </code></example>
public abstract class EmbeddingWriter : IDisposable
{
    private readonly AtomicFileWriter _file;
    private bool _completed, _disposed;

    private protected EmbeddingWriter(string path, int dimension, EmbeddingWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.FirstRowId, nameof(options.FirstRowId));
        Dimension = dimension;
        FirstRowId = options.FirstRowId;
        _file = AtomicFile.Create(path);
        Path = _file.Path;
    }

    /// <summary>A writer for <paramref name="path"/> in the format its extension names (or <see cref="EmbeddingWriterOptions.Format"/>).</summary>
    /// <param name="path">The file to create or replace once <see cref="Complete"/> is called.</param>
    /// <param name="dimension">Floats per row.</param>
    /// <param name="options">Format, first row id, Parquet row-group size.</param>
    /// <exception cref="ArgumentException">An unknown extension, or a dimension below 1.</exception>
    public static EmbeddingWriter Create(string path, int dimension, EmbeddingWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new EmbeddingWriterOptions();
        return (options.Format ?? EmbeddingFormats.FromPath(path)) switch
        {
            EmbeddingFormat.Tsv => new TsvEmbeddingWriter(path, dimension, options),
            EmbeddingFormat.Npy => new NpyEmbeddingWriter(path, dimension, options),
            EmbeddingFormat.Parquet => new ParquetEmbeddingWriter(path, dimension, options),
            EmbeddingFormat.SafeTensors => new SafeTensorsEmbeddingWriter(path, dimension, options),
            var f => throw new ArgumentOutOfRangeException(nameof(options), f, "Unknown embedding format."),
        };
    }

    /// <summary>The final file (absolute).</summary>
    public string Path { get; }

    /// <summary>Floats per row.</summary>
    public int Dimension { get; }

    /// <summary>The corpus row of the first vector (see <see cref="EmbeddingWriterOptions.FirstRowId"/>).</summary>
    public long FirstRowId { get; }

    /// <summary>Rows written so far.</summary>
    public long RowsWritten { get; private set; }

    /// <summary>The temporary file being written (seekable: .npy and .safetensors patch their header).</summary>
    private protected Stream Stream => _file.Stream;

    /// <summary>Appends rows: <paramref name="rows"/> holds whole rows, row-major (a multiple of <see cref="Dimension"/> floats).</summary>
    /// <exception cref="ArgumentException">A length that is not a multiple of <see cref="Dimension"/>.</exception>
    /// <exception cref="InvalidOperationException">After <see cref="Complete"/> or <see cref="Dispose"/>.</exception>
    public void Write(ReadOnlySpan<float> rows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException($"{Path}: already completed.");
        if (rows.Length % Dimension != 0)
            throw new ArgumentException($"{rows.Length} floats are not whole rows of dimension {Dimension}.", nameof(rows));
        int count = rows.Length / Dimension;
        if (count == 0) return;
        WriteRows(rows, count);
        RowsWritten += count;
    }

    /// <summary>Finishes the format (header counts, footer), flushes to disk and renames the file into place.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) return;
        Finish();
        _file.Commit();
        _completed = true;
    }

    /// <summary>Closes the writer; without <see cref="Complete"/>, deletes the temporary file and leaves <see cref="Path"/> as it was.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_completed) return;
        try { DisposeFormat(); }
        finally { _file.Dispose(); }
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes <paramref name="count"/> rows in the format.</summary>
    private protected abstract void WriteRows(ReadOnlySpan<float> rows, int count);

    /// <summary>Writes what the format needs after the last row (a header patch, a footer).</summary>
    private protected abstract void Finish();

    /// <summary>Releases format state when the writer is abandoned (the file is deleted afterwards).</summary>
    private protected virtual void DisposeFormat() { }

    /// <summary>Little-endian float32 bytes of <paramref name="rows"/>, the layout of .npy and .safetensors.</summary>
    private protected void WriteLittleEndianFloats(ReadOnlySpan<float> rows)
    {
        if (BitConverter.IsLittleEndian) Stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows));
        else
        {
            Span<byte> b = stackalloc byte[4];
            foreach (float f in rows) { System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(b, f); Stream.Write(b); }
        }
    }
}
