namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>How an <see cref="EmbeddingWriter"/> writes. Every property has a working default.</summary>
public sealed class EmbeddingWriterOptions
{
    /// <summary>Rows per Parquet row group: a reader holds one group at a time (4,096 x 384 floats is 6 MB).</summary>
    public const int DefaultParquetRowGroupRows = 4096;

    /// <summary>The format; null: from the file extension (<see cref="EmbeddingFormats.FromPath"/>).</summary>
    public EmbeddingFormat? Format { get; set; }

    /// <summary>The corpus row of the first vector written (a shard's first row); the Parquet "id" column counts from it.</summary>
    public long FirstRowId { get; set; }

    /// <summary>Rows per Parquet row group, whatever the sizes of the <see cref="EmbeddingWriter.Write"/> calls (so the
    /// file does not depend on how the rows were batched).</summary>
    public int ParquetRowGroupRows { get; set; } = DefaultParquetRowGroupRows;
}
