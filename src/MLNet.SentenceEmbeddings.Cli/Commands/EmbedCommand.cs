using System.Globalization;
using System.Text;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert embed</c>: one input line -> one output line of tab-separated floats.</summary>
public static class EmbedCommand
{
    public const string Help =
        "sbert embed --input FILE --output FILE.tsv [options]\n" +
        "  Embeds each line of FILE (UTF-8) and writes one line of tab-separated floats per input line, in order.\n" +
        "  An empty line is embedded as the empty string.\n" +
        "  --input FILE       text file, one sentence per line\n" +
        "  --output FILE      TSV to write\n" + EncoderArguments.Help +
        "  --json             print one JSON object as the last line of standard output (lines, dimension, seconds, ...)\n" +
        "  Progress goes to standard error: a bar on a terminal, a line per 10% when redirected.\n";

    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(EncoderArguments.Flags) { "json" };

    // Lines are read and embedded in chunks so that memory stays bounded for large files; each chunk is
    // length-sorted inside the encoder.
    // 2,048 keeps the progress bar moving and memory small; length sorting inside a chunk still fills batches well.
    private const int ChunkLines = 2048;

    public static int Run(ArgumentReader args, TextWriter stdout, TextWriter log)
    {
        string input = args.Required("input");
        string output = args.Required("output");
        var (model, options) = EncoderArguments.Read(args);
        bool json = args.Flag("json");
        args.EnsureAllUsed();
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
            encoder.Encode(chunk, vectors);
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
