using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// Embeds one shard of a job into its output file: windows of rows, each encoded in one call (length-sorted batches
/// inside the encoder), streamed into an <see cref="EmbeddingWriter"/>, which writes a temporary sibling and renames it
/// into place only when complete. A shard run twice (a silo presumed lost that was only slow) writes the same rows and
/// the last rename wins, so the output is whole and never holds a row twice.
/// </summary>
internal static class ShardEmbedder
{
    /// <returns>Rows embedded.</returns>
    /// <exception cref="FileNotFoundException">The shard file is missing; the message names the shard and the file.</exception>
    public static long Run(EmbeddingJobSpec spec, int shard, SentenceEncoder encoder, CancellationToken cancellationToken)
    {
        string input = spec.Shards[shard];
        if (!File.Exists(input)) throw new FileNotFoundException($"shard {shard}: no such file: {input}", input);
        int dimension = encoder.Dimension;
        var texts = new List<string?>(Math.Min(spec.Window, 1 << 16));
        var buffer = new float[(long)spec.Window * dimension];
        using var writer = EmbeddingWriter.Create(spec.OutputPath(shard), dimension, new EmbeddingWriterOptions { Format = spec.OutputFormat });
        foreach (var row in CorpusReader.Read(input, spec.ReaderOptions(), cancellationToken))
        {
            texts.Add(row.Text);
            if (texts.Count == spec.Window) Flush();
        }
        Flush();
        cancellationToken.ThrowIfCancellationRequested();
        writer.Complete();
        return writer.RowsWritten;

        void Flush()
        {
            if (texts.Count == 0) return;
            var vectors = buffer.AsSpan(0, texts.Count * dimension);
            encoder.Encode(texts, vectors, cancellationToken);
            writer.Write(vectors);
            texts.Clear();
        }
    }
}
