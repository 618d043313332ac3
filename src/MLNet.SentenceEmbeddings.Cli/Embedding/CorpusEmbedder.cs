using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Cli.Embedding;

/// <summary>
/// Streams a corpus through an encoder: reads one window of rows ahead, encodes it (length-sorted batches inside the
/// encoder), hands the vectors on, and forgets the window; resident memory is bounded by the window, not the corpus.
/// Without resume the vectors go straight into the output writer; with resume each window becomes an atomic part
/// (see <see cref="ResumeParts"/>) and the output is assembled from the parts at the end. Both paths encode the same
/// windows with the same batches, so they write the same bytes.
/// </summary>
public static class CorpusEmbedder
{
    /// <summary>Rows read ahead and encoded together when the user does not say.</summary>
    public const int DefaultWindow = 4096;

    public static EmbedResult Run(EmbedSettings s, TextWriter log, CancellationToken cancellationToken)
    {
        if (!File.Exists(s.Input)) throw new FileNotFoundException($"--input: no such file: {s.Input}", s.Input);
        // Fail on a bad output extension before any work.
        var format = EmbeddingFormats.FromPath(s.Output);
        long total = CorpusReader.CountRows(s.Input, s.Reader, cancellationToken);
        var (first, end) = s.Shard.Rows(total, s.Window);
        log.WriteLine($"{s.Input}: {total:N0} row(s); {(s.Shard.Count > 1 ? $"shard {s.Shard} embeds rows {first:N0}..{end:N0}" : "embedding all")}" +
                      $" in windows of {s.Window:N0}, into {s.Output} ({format})");

        using var encoder = Models.LoadEncoder(s.Model, s.Encoder);
        var parts = s.Resume ? ResumeParts.Open(s, total, encoder.Dimension, log) : null;
        using var progress = ProgressReporter.For(log, "embedding", end - first);
        var buffer = new float[s.Window * encoder.Dimension];
        long reused = 0, done = 0;
        using (var writer = parts is null ? EmbeddingWriter.Create(s.Output, encoder.Dimension, new EmbeddingWriterOptions { FirstRowId = first }) : null)
        {
            foreach (var window in Windows(s, first, end, needsText: w => parts?.IsDone(w) != true, cancellationToken))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (window.Texts is null) reused++;
                else
                {
                    var vectors = buffer.AsSpan(0, window.Texts.Count * encoder.Dimension);
                    encoder.Encode(window.Texts, s.Prompt, vectors, cancellationToken);
                    if (writer is not null) writer.Write(vectors);
                    else parts!.Write(window.Index, vectors, window.Texts.Count);
                }
                done += window.Rows;
                progress.Report(done);
            }
            if (writer is not null) writer.Complete();
            else parts!.Assemble(first, cancellationToken);
        }
        progress.Complete($"embedded {done:N0} row(s) with {encoder.Source} (dim {encoder.Dimension})" +
                          (reused > 0 ? $", {reused} window(s) reused from an earlier run" : "") +
                          $"; {encoder.TruncatedCount} truncated to {encoder.Tokenizer.MaxSequenceLength} tokens; wrote {s.Output}");
        return new EmbedResult(first, done, encoder.Dimension, reused, encoder.Source, encoder.TruncatedCount, encoder.Tokenizer.MaxSequenceLength);
    }

    /// <summary>One window: its global index, its row count, and its texts (null when <c>needsText</c> said no).</summary>
    private readonly record struct Window(long Index, int Rows, List<string?>? Texts);

    /// <summary>
    /// The windows of rows [first, end), numbered from the corpus start (first is a multiple of the window); a window
    /// whose texts are not needed is counted without keeping its rows.
    /// </summary>
    private static IEnumerable<Window> Windows(EmbedSettings s, long first, long end, Func<long, bool> needsText, CancellationToken cancellationToken)
    {
        if (first >= end) yield break;
        long current = first / s.Window;
        bool keep = needsText(current);
        var texts = new List<string?>(s.Window);
        int rows = 0;
        long next = first;
        foreach (var row in CorpusReader.Read(s.Input, s.Reader, cancellationToken))
        {
            if (row.Index < first) continue;
            if (row.Index >= end) break;
            next = row.Index + 1;
            if (keep) texts.Add(row.Text);
            if (++rows == s.Window || row.Index == end - 1)
            {
                yield return new Window(current, rows, keep ? texts : null);
                current++;
                keep = needsText(current);
                texts = new List<string?>(s.Window);
                rows = 0;
            }
        }
        if (next < end) throw new InvalidDataException($"{s.Input}: ended after {next} row(s); {end} were counted before reading (the file changed).");
    }
}
