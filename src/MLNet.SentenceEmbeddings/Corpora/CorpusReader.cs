namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>
/// Streams the texts of a corpus file (.txt, .tsv, .csv, .jsonl, .parquet) as (row index, text) pairs, lazily and in
/// file order: memory stays bounded by one line (one row group for Parquet) whatever the file's size, so a caller
/// decides how much to hold (sbert embed holds one read-ahead window). Errors name the file, the line (or row group)
/// and what was expected.
/// </summary>
/// <example><code>
/// foreach (var row in CorpusReader.Read("corpus.csv", new CorpusReaderOptions { Column = "text" }))
///     Console.WriteLine($"{row.Index}: {row.Text}");
/// </code></example>
public static class CorpusReader
{
    /// <summary>The rows of <paramref name="path"/>, read as they are enumerated.</summary>
    /// <exception cref="FileNotFoundException">No such file (thrown by the first MoveNext).</exception>
    /// <exception cref="InvalidDataException">A malformed row, a missing column or field; the message names file and line.</exception>
    public static IEnumerable<CorpusRow> Read(string path, CorpusReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CorpusReaderOptions();
        var format = options.Format ?? CorpusFormats.FromPath(path);
        return format switch
        {
            CorpusFormat.Text => TextLineCorpus.Read(path, cancellationToken),
            CorpusFormat.Tsv => DelimitedCorpus.Read(path, '\t', quoted: false, options, cancellationToken),
            CorpusFormat.Csv => DelimitedCorpus.Read(path, ',', quoted: true, options, cancellationToken),
            CorpusFormat.JsonLines => JsonLinesCorpus.Read(path, options.Field, cancellationToken),
            CorpusFormat.Parquet => ParquetCorpus.Read(path, options.Column, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options), format, "Unknown corpus format."),
        };
    }

    /// <summary>
    /// The number of rows of <paramref name="path"/>: from the footer of a .parquet, by one pass otherwise (a pass reads
    /// the file but keeps nothing). Splitting a corpus into shards needs it up front.
    /// </summary>
    public static long CountRows(string path, CorpusReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CorpusReaderOptions();
        var format = options.Format ?? CorpusFormats.FromPath(path);
        if (format == CorpusFormat.Parquet) return ParquetCorpus.CountRows(path);
        if (format == CorpusFormat.Text) return TextLineCorpus.CountRows(path, cancellationToken);
        long n = 0;
        foreach (var _ in Read(path, options, cancellationToken)) n++;
        return n;
    }
}
