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
        "  --output FILE      TSV to write\n" + EncoderArguments.Help;

    // Lines are read and embedded in chunks so that memory stays bounded for large files; each chunk is
    // length-sorted inside the encoder.
    private const int ChunkLines = 8192;

    public static int Run(ArgumentReader args, TextWriter log)
    {
        string input = args.Required("input");
        string output = args.Required("output");
        var (model, options) = EncoderArguments.Read(args);
        args.EnsureAllUsed();
        if (!File.Exists(input)) throw new UsageException($"--input: file not found: {input}");

        using var encoder = SentenceEncoder.Load(model, options);
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
        log.WriteLine($"embedded {lines} line(s) with {encoder.Source} (dim {encoder.Dimension}) in {started.Elapsed.TotalSeconds:F1} s; " +
                      $"{encoder.TruncatedCount} truncated to {encoder.Tokenizer.MaxSequenceLength} tokens");
        return 0;
    }
}
