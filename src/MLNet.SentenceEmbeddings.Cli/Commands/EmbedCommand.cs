using System.Globalization;
using System.Text;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.CommandLine;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert embed</c>: one input line -> one output line of tab-separated floats.</summary>
public static class EmbedCommand
{
    private static readonly Option<string> Input = new("--input") { Description = "text file, one sentence per line (UTF-8); an empty line is embedded as the empty string", Required = true };
    private static readonly Option<string> Output = new("--output") { Description = "TSV to write: one line of tab-separated floats per input line, in order", Required = true };
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = CliOptions.Json("lines, dimension, seconds");

    // Lines are read and embedded in chunks so that memory stays bounded for large files; each chunk is
    // length-sorted inside the encoder.
    // 2,048 keeps the progress bar moving and memory small; length sorting inside a chunk still fills batches well.
    private const int ChunkLines = 2048;

    public static Command Create() => Encoder.AddTo(new Command("embed", "embed the lines of a text file") { Input, Output, Json })
        .SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter stdout, TextWriter log)
    {
        string input = args.GetValue(Input)!;
        string output = args.GetValue(Output)!;
        var (model, options) = Encoder.Bind(args);
        bool json = args.GetValue(Json);
        if (!File.Exists(input)) throw new UsageException($"--input: file not found: {input}");
        long totalLines = File.ReadLines(input).LongCount();

        using var encoder = SentenceEncoder.Load(model, options);
        using var progress = ProgressReporter.For(log, "embedding", totalLines);
        var started = System.Diagnostics.Stopwatch.StartNew();
        long lines = 0;
        using var writer = new StreamWriter(output, false, new UTF8Encoding(false)) { NewLine = "\n" };
        var chunk = new List<string?>(ChunkLines);
        var vectors = Array.Empty<float>();
        var text = new StringBuilder();
        void Flush()
        {
            if (chunk.Count == 0) return;
            int dim = encoder.Dimension;
            if (vectors.Length < chunk.Count * dim) vectors = new float[chunk.Count * dim];
            encoder.Encode(chunk, vectors, cancellationToken);
            for (int r = 0; r < chunk.Count; r++)
            {
                text.Clear();
                for (int d = 0; d < dim; d++)
                {
                    if (d > 0) text.Append('\t');
                    // "R" round-trips float32 exactly.
                    text.Append(vectors[r * dim + d].ToString("R", CultureInfo.InvariantCulture));
                }
                writer.WriteLine(text);
            }
            lines += chunk.Count;
            chunk.Clear();
            progress.Report(lines);
        }
        using (var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                chunk.Add(line);
                if (chunk.Count == ChunkLines) Flush();
            }
        }
        Flush();
        double seconds = started.Elapsed.TotalSeconds;
        progress.Complete($"embedded {lines} line(s) with {encoder.Source} (dim {encoder.Dimension}) in {seconds:F1} s; " +
                          $"{encoder.TruncatedCount} truncated to {encoder.Tokenizer.MaxSequenceLength} tokens");
        if (json)
            stdout.WriteLine(new System.Text.Json.Nodes.JsonObject
            {
                ["lines"] = lines,
                ["dimension"] = encoder.Dimension,
                ["model"] = encoder.Source,
                ["seconds"] = Math.Round(seconds, 3),
                ["sentences_per_second"] = seconds > 0 ? Math.Round(lines / seconds, 1) : null,
                ["truncated"] = encoder.TruncatedCount,
                ["output"] = output,
            }.ToJsonString());
        return 0;
    }
}
