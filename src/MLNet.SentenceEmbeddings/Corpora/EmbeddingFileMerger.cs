using Parquet;
using Parquet.Schema;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// Joins embedding files written separately (the outputs of <c>sbert embed --shard i/N</c>, in shard order) into one,
/// through the same <see cref="EmbeddingWriter"/> a single run uses. A writer's bytes depend only on its rows (and, for
/// Parquet, the first row id and the row-group size), so the merged file is byte for byte the single run's output, in
/// every format: .npy and .safetensors have one header for all rows and Parquet restarts its row groups, so their parts
/// cannot simply be concatenated. Memory holds one part at a time.
/// </summary>
public static class EmbeddingFileMerger
{
    /// <summary>Writes the rows of <paramref name="parts"/>, in order, to <paramref name="output"/> (whole or not at all).</summary>
    /// <param name="parts">Embedding files (.tsv, .npy, .parquet, .safetensors; they may differ from the output's format).</param>
    /// <param name="output">The merged file; its extension chooses the format.</param>
    /// <param name="options">Parquet row-group size (the single run's, by default); <see cref="EmbeddingWriterOptions.FirstRowId"/>
    /// is taken from the first Parquet part when there is one.</param>
    /// <param name="cancellationToken">Checked between parts; a cancelled merge leaves <paramref name="output"/> as it was.</param>
    /// <returns>The rows written.</returns>
    /// <exception cref="ArgumentException">No part, or <paramref name="output"/> is one of the parts.</exception>
    /// <exception cref="InvalidDataException">Parts of different dimensions, or Parquet parts whose row ids do not follow
    /// each other (a part missing, repeated or out of order); the message names the part.</exception>
    public static long Merge(IReadOnlyList<string> parts, string output, EmbeddingWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(output);
        if (parts.Count == 0) throw new ArgumentException("Give at least one part to merge.", nameof(parts));
        string target = Path.GetFullPath(output);
        if (parts.Any(p => Path.GetFullPath(p) == target))
            throw new ArgumentException($"{output} is also one of the parts; write the merge to another file.", nameof(output));
        EmbeddingFormats.FromPath(output);   // an unknown extension fails before any reading

        long? firstId = null;
        long nextId = 0;
        EmbeddingWriter? writer = null;
        try
        {
            foreach (var part in parts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var matrix = EmbeddingFileReader.Read(part);
                if (EmbeddingFormats.FromPath(part) == EmbeddingFormat.Parquet && matrix.Rows > 0)
                {
                    long id = FirstParquetId(part);
                    if (firstId is null) (firstId, nextId) = (id, id);
                    else if (id != nextId)
                        throw new InvalidDataException($"{part}: its rows start at id {id:N0}, expected {nextId:N0} after the part before it (a part missing, repeated or out of order).");
                }
                writer ??= EmbeddingWriter.Create(output, matrix.Dimension, new EmbeddingWriterOptions
                {
                    Format = options?.Format,
                    ParquetRowGroupRows = options?.ParquetRowGroupRows ?? EmbeddingWriterOptions.DefaultParquetRowGroupRows,
                    FirstRowId = firstId ?? options?.FirstRowId ?? 0,
                });
                if (matrix.Dimension != writer.Dimension)
                    throw new InvalidDataException($"{part}: vectors of {matrix.Dimension} floats, expected {writer.Dimension} as in {parts[0]}.");
                writer.Write(matrix.Data.AsSpan(0, matrix.Rows * matrix.Dimension));
                nextId += matrix.Rows;
            }
            cancellationToken.ThrowIfCancellationRequested();
            writer!.Complete();
            return writer.RowsWritten;
        }
        finally { writer?.Dispose(); }
    }

    /// <summary>The id of the first row of a Parquet embedding file (the corpus row its shard starts at).</summary>
    private static long FirstParquetId(string path)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == ParquetEmbeddingWriter.IdColumn && f.ClrType == typeof(long))
                ?? throw new InvalidDataException($"{path}: no int64 column '{ParquetEmbeddingWriter.IdColumn}'; expected the corpus row of each vector.");
            using var group = reader.OpenRowGroupReader(0);
            var ids = new long[group.RowCount];
            group.ReadAsync<long>(field, ids.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            return ids[0];
        }
        finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }
}
