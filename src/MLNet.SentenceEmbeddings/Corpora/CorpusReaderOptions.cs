namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>Where the text is in a corpus file. Every property has a working default.</summary>
public sealed class CorpusReaderOptions
{
    /// <summary>The text field of a JSON Lines file.</summary>
    public const string DefaultJsonField = "text";

    /// <summary>
    /// The text column of a .tsv, .csv or .parquet file: a name, or a 0-based index. A name in a .tsv/.csv is looked up
    /// in the header line; an index reads no header unless <see cref="HasHeader"/> says so. Null: the first column of
    /// a .tsv/.csv, the only string column of a .parquet.
    /// </summary>
    public string? Column { get; set; }

    /// <summary>The string field of each JSON Lines object (default "text").</summary>
    public string Field { get; set; } = DefaultJsonField;

    /// <summary>Whether the first line of a .tsv/.csv is a header; null: only when <see cref="Column"/> is a name.</summary>
    public bool? HasHeader { get; set; }

    /// <summary>The format; null: from the file extension (<see cref="CorpusFormats.FromPath"/>).</summary>
    public CorpusFormat? Format { get; set; }

    internal int? ColumnIndex => int.TryParse(Column, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) ? i : null;

    internal bool ReadsHeader => HasHeader ?? (Column is not null && ColumnIndex is null);
}
