using Parquet;
using Parquet.Schema;

namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>A Parquet corpus (Parquet.Net): one string column, read one row group at a time.</summary>
internal static class ParquetCorpus
{
    public static IEnumerable<CorpusRow> Read(string path, string? column, CancellationToken cancellationToken)
    {
        // Parquet.Net is asynchronous; a synchronous enumerator waits on it one row group at a time.
        using var stream = File.OpenRead(path);
        using var reader = new Disposing(Open(stream, path));
        var field = TextField(reader.Value.Schema, path, column);
        long index = 0;
        for (int g = 0; g < reader.Value.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var group = reader.Value.OpenRowGroupReader(g);
            if (group.RowCount > Array.MaxLength)
                throw new InvalidDataException($"{path}: row group {g} has {group.RowCount} rows, more than one read can hold.");
            var texts = new string?[group.RowCount];
            group.ReadAsync(field, texts.AsMemory(), null, cancellationToken).AsTask().GetAwaiter().GetResult();
            foreach (var text in texts) yield return new CorpusRow(index++, text ?? "");
        }
    }

    public static long CountRows(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new Disposing(Open(stream, path));
        long rows = 0;
        for (int g = 0; g < reader.Value.RowGroupCount; g++)
        {
            using var group = reader.Value.OpenRowGroupReader(g);
            rows += group.RowCount;
        }
        return rows;
    }

    private static ParquetReader Open(Stream stream, string path)
    {
        try { return ParquetReader.CreateAsync(stream).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a readable Parquet file ({e.Message})", e);
        }
    }

    private static DataField TextField(ParquetSchema schema, string path, string? column)
    {
        var fields = schema.GetDataFields();
        var strings = fields.Where(IsString).ToList();
        DataField? field = column switch
        {
            null when strings.Count == 1 => strings[0],
            null => throw new InvalidDataException($"{path}: {strings.Count} string columns ({Names(strings)}); name the text column with --column."),
            _ when int.TryParse(column, out int i) => i >= 0 && i < fields.Length ? fields[i]
                : throw new InvalidDataException($"{path}: no column {i}; it has {fields.Length} ({Names(fields)})."),
            _ => fields.FirstOrDefault(f => f.Name == column || f.Path.ToString() == column)
                 ?? throw new InvalidDataException($"{path}: no column '{column}'; it has {Names(fields)}."),
        };
        if (!IsString(field) || field.MaxRepetitionLevel > 0)
            throw new InvalidDataException($"{path}: column '{field.Name}' holds {field.ClrType.Name}{(field.MaxRepetitionLevel > 0 ? " lists" : "")}, expected strings.");
        return field;
    }

    /// <summary>Disposes the (asynchronously disposable) reader synchronously, as an iterator cannot await.</summary>
    private readonly struct Disposing(ParquetReader value) : IDisposable
    {
        public ParquetReader Value { get; } = value;
        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static bool IsString(DataField f) => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>);

    private static string Names(IEnumerable<DataField> fields) => string.Join(", ", fields.Select(f => $"'{f.Name}'"));
}
