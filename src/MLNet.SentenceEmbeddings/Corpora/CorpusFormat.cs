namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>The corpus file formats <see cref="CorpusReader"/> reads.</summary>
public enum CorpusFormat
{
    /// <summary>UTF-8 text, one row per line (an empty line is an empty text).</summary>
    Text,
    /// <summary>Tab-separated values, no quoting; a column by name (with a header line) or by 0-based index.</summary>
    Tsv,
    /// <summary>Comma-separated values with RFC 4180 quoting (quoted fields may hold commas, quotes and newlines).</summary>
    Csv,
    /// <summary>JSON Lines: one JSON object per line, the text in a string field.</summary>
    JsonLines,
    /// <summary>Apache Parquet, the text in a string column; read one row group at a time.</summary>
    Parquet,
}

/// <summary>File-name conventions of <see cref="CorpusFormat"/>.</summary>
public static class CorpusFormats
{
    /// <summary>The format of <paramref name="path"/> from its extension: .txt, .tsv, .csv, .jsonl (or .ndjson), .parquet.</summary>
    /// <exception cref="ArgumentException">Another extension; the message lists the known ones.</exception>
    public static CorpusFormat FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".txt" or ".text" => CorpusFormat.Text,
            ".tsv" or ".tab" => CorpusFormat.Tsv,
            ".csv" => CorpusFormat.Csv,
            ".jsonl" or ".ndjson" => CorpusFormat.JsonLines,
            ".parquet" => CorpusFormat.Parquet,
            var other => throw new ArgumentException(
                $"{path}: unknown corpus extension '{other}'; expected .txt, .tsv, .csv, .jsonl or .parquet.", nameof(path)),
        };
    }
}
