using MLNet.SentenceEmbeddings.Corpora;
using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Cli.Embedding;

/// <summary>Corpus helpers of the search-like commands: whole-corpus vectors, texts of chosen rows, and pairs.</summary>
public static class CorpusTexts
{
    /// <summary>
    /// The vectors of every row of <paramref name="path"/>: read from <paramref name="embeddings"/> (a file written by
    /// sbert embed for this corpus: its row count must match), or encoded now, one window at a time.
    /// </summary>
    public static EmbeddingMatrix Vectors(SentenceEncoder encoder, string path, CorpusReaderOptions reader, string? embeddings,
        TextWriter log, CancellationToken cancellationToken)
    {
        long rows = CorpusReader.CountRows(path, reader, cancellationToken);
        if (embeddings is not null)
        {
            var saved = EmbeddingFileReader.Read(embeddings);
            if (saved.Rows != rows) throw new InvalidDataException($"{embeddings}: {saved.Rows} vector(s), but {path} has {rows} row(s); embed the same corpus.");
            if (saved.Dimension != encoder.Dimension)
                throw new InvalidDataException($"{embeddings}: dimension {saved.Dimension}, the model gives {encoder.Dimension}; use the model that embedded it.");
            log.WriteLine($"read {rows:N0} vector(s) from {embeddings}");
            return saved;
        }
        if (rows * encoder.Dimension > Array.MaxLength) throw new InvalidDataException($"{path}: {rows:N0} rows x {encoder.Dimension} floats do not fit in memory; search a part of it.");
        var data = new float[rows * encoder.Dimension];
        using var progress = ProgressReporter.For(log, "embedding corpus", rows);
        var window = new List<string?>(CorpusEmbedder.DefaultWindow);
        long done = 0;
        void Flush()
        {
            encoder.Encode(window, data.AsSpan((int)(done * encoder.Dimension), window.Count * encoder.Dimension), cancellationToken);
            done += window.Count;
            window.Clear();
            progress.Report(done);
        }
        foreach (var row in CorpusReader.Read(path, reader, cancellationToken))
        {
            window.Add(row.Text);
            if (window.Count == CorpusEmbedder.DefaultWindow) Flush();
        }
        if (window.Count > 0) Flush();
        progress.Complete();
        return new EmbeddingMatrix(data, encoder.Dimension);
    }

    /// <summary>The texts of the rows in <paramref name="indices"/>, found in one pass over the file.</summary>
    public static Dictionary<long, string> Fetch(string path, CorpusReaderOptions reader, IEnumerable<long> indices, CancellationToken cancellationToken)
    {
        var wanted = indices.ToHashSet();
        var texts = new Dictionary<long, string>(wanted.Count);
        if (wanted.Count == 0) return texts;
        long last = wanted.Max();
        foreach (var row in CorpusReader.Read(path, reader, cancellationToken))
        {
            if (wanted.Contains(row.Index)) texts[row.Index] = row.Text;
            if (row.Index >= last) break;
        }
        return texts;
    }

    /// <summary>All texts of a (small) file, in order: queries, candidates.</summary>
    public static List<string?> ReadAll(string path, CorpusReaderOptions reader, CancellationToken cancellationToken) =>
        CorpusReader.Read(path, reader, cancellationToken).Select(r => (string?)r.Text).ToList();

    /// <summary>
    /// Sentence pairs from a .tsv/.csv/.jsonl/.parquet: the first and second columns (<paramref name="first"/>,
    /// <paramref name="second"/>: names or 0-based indexes; fields for .jsonl), read lazily side by side.
    /// </summary>
    public static IEnumerable<(long Row, string First, string Second)> Pairs(string path, string first, string second, bool? header, CancellationToken cancellationToken)
    {
        using var a = CorpusReader.Read(path, new CorpusReaderOptions { Column = first, Field = first, HasHeader = header }, cancellationToken).GetEnumerator();
        using var b = CorpusReader.Read(path, new CorpusReaderOptions { Column = second, Field = second, HasHeader = header }, cancellationToken).GetEnumerator();
        while (a.MoveNext())
        {
            if (!b.MoveNext()) throw new InvalidDataException($"{path}: column '{second}' ended before '{first}'.");
            yield return (a.Current.Index, a.Current.Text, b.Current.Text);
        }
    }
}
