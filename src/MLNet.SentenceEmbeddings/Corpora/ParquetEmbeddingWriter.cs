using Parquet;
using Parquet.Schema;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// Parquet (Parquet.Net): an int64 column "id" (the corpus row) and a list&lt;float&gt; column "embedding", in row
/// groups of <see cref="EmbeddingWriterOptions.ParquetRowGroupRows"/> rows whatever the sizes of the Write calls.
/// </summary>
internal sealed class ParquetEmbeddingWriter : EmbeddingWriter
{
    internal const string IdColumn = "id", EmbeddingColumn = "embedding";
    private readonly DataField<long> _id = new(IdColumn);
    private readonly DataField<float> _element = new("element");
    private readonly ParquetWriter _writer;
    private readonly int _groupRows;
    private readonly float[] _pending;
    private int _pendingRows;
    private long _nextId;

    public ParquetEmbeddingWriter(string path, int dimension, EmbeddingWriterOptions options) : base(path, dimension, options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ParquetRowGroupRows, 1, nameof(options.ParquetRowGroupRows));
        _groupRows = options.ParquetRowGroupRows;
        _pending = new float[(long)_groupRows * dimension > Array.MaxLength ? throw new ArgumentOutOfRangeException(nameof(options)) : _groupRows * dimension];
        _nextId = options.FirstRowId;
        var schema = new ParquetSchema(_id, new ListField(EmbeddingColumn, _element));
        _writer = ParquetWriter.CreateAsync(schema, Stream).GetAwaiter().GetResult();
    }

    private protected override void WriteRows(ReadOnlySpan<float> rows, int count)
    {
        while (!rows.IsEmpty)
        {
            int take = Math.Min(_groupRows - _pendingRows, rows.Length / Dimension);
            rows[..(take * Dimension)].CopyTo(_pending.AsSpan(_pendingRows * Dimension));
            _pendingRows += take;
            rows = rows[(take * Dimension)..];
            if (_pendingRows == _groupRows) WriteGroup();
        }
    }

    private protected override void Finish()
    {
        if (_pendingRows > 0) WriteGroup();
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();   // writes the footer
    }

    private protected override void DisposeFormat()
    {
        try { _writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException) { }
    }

    private void WriteGroup()
    {
        int n = _pendingRows, values = n * Dimension;
        var ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = _nextId + i;
        // Every list and element is present (definition level = max); a repetition level of 0 starts a row's list.
        var definition = new int[values];
        Array.Fill(definition, _element.MaxDefinitionLevel);
        var repetition = new int[values];
        Array.Fill(repetition, _element.MaxRepetitionLevel);
        for (int i = 0; i < n; i++) repetition[i * Dimension] = 0;
        using var group = _writer.CreateRowGroup();
        group.WriteAsync<long>(_id, ids.AsMemory(), null).GetAwaiter().GetResult();
        group.WriteAllPartsAsync<float>(_element, _pending.AsMemory(0, values), definition.AsMemory(), repetition.AsMemory(), default).GetAwaiter().GetResult();
        _nextId += n;
        _pendingRows = 0;
    }
}
