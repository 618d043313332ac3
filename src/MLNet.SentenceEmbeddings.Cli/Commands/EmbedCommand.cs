using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;
using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert embed</c>: a corpus file in, one vector per row out, streamed, resumable, shardable.</summary>
public static class EmbedCommand
{
    private static readonly Option<string> Input = new("--input")
    {
        Description = "corpus: .txt (a row per line; an empty line is an empty text), .tsv / .csv (RFC 4180 quoting) with --column, " +
                      ".jsonl with --field, .parquet with --column",
        Required = true,
    };
    private static readonly Option<string?> Column = new("--column") { Description = "the text column of a .tsv/.csv/.parquet: a header name, or a 0-based index (default: the first; for .parquet the only string column)" };
    private static readonly Option<string> Field = new("--field") { Description = "the text field of each .jsonl object", DefaultValueFactory = _ => CorpusReaderOptions.DefaultJsonField };
    private static readonly Option<bool> Header = new("--header") { Description = "the first .tsv/.csv line is a header even though --column is an index" };
    private static readonly Option<string> Output = new("--output")
    {
        Description = "vectors, one row per input row in order; the extension picks the format: .tsv, .npy (float32, numpy), " +
                      ".parquet (id + list<float>), .safetensors (F32 'embeddings')",
        Required = true,
    };
    private static readonly Option<int> Window = CliOptions.Int("--window", "rows read ahead and encoded together: memory is bounded by it; " +
        "also the unit of --resume parts and --shard ranges (keep it the same across the runs of one job)", CorpusEmbedder.DefaultWindow);
    private static readonly Option<bool> Resume = new("--resume")
    {
        Description = "build the output from atomic parts in OUTPUT.parts/ (with a manifest); after a kill, the same command " +
                      "continues where it stopped and the output is the same as an uninterrupted run's",
    };
    private static readonly Option<ShardRange> Shard = CliOptions.Parsed("--shard", "embed only shard i of N (0-based), a contiguous run of " +
        "windows; 'sbert merge' joins the N outputs into the single run's output", ShardRange.Parse, [], ShardRange.Whole);
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = CliOptions.Json("rows, dimension, seconds, output");

    public static Command Create() => Encoder.AddTo(new Command("embed", "embed a corpus (.txt, .tsv, .csv, .jsonl, .parquet) into .tsv, .npy, .parquet " +
        "or .safetensors, streaming with bounded memory; --resume survives kills, --shard splits the work")
    {
        Input, Column, Field, Header, Output, Window, Resume, Shard, Json,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter stdout, TextWriter log)
    {
        string input = args.GetValue(Input)!;
        if (!File.Exists(input)) throw new UsageException($"--input: file not found: {input}");
        var (model, options) = Encoder.Bind(args);
        var reader = new CorpusReaderOptions { Column = args.GetValue(Column), Field = args.GetValue(Field)!, HasHeader = args.GetValue(Header) ? true : null };
        try
        {
            CorpusFormats.FromPath(input);
            EmbeddingFormats.FromPath(args.GetValue(Output)!);
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var settings = new EmbedSettings(input, reader, args.GetValue(Output)!, args.GetValue(Window), args.GetValue(Resume), args.GetValue(Shard), model, options)
        {
            Prompt = Encoder.BindPrompt(args),
        };

        var clock = Stopwatch.StartNew();
        var result = CorpusEmbedder.Run(settings, log, cancellationToken);
        double seconds = clock.Elapsed.TotalSeconds;
        if (args.GetValue(Json))
            stdout.WriteLine(new JsonObject
            {
                ["lines"] = result.Rows,
                ["first_row"] = result.FirstRow,
                ["dimension"] = result.Dimension,
                ["model"] = result.Model,
                ["seconds"] = Math.Round(seconds, 3),
                ["sentences_per_second"] = seconds > 0 ? Math.Round(result.Rows / seconds, 1) : null,
                ["truncated"] = result.Truncated,
                ["windows_reused"] = result.WindowsReused,
                ["shard"] = settings.Shard.ToString(),
                ["output"] = settings.Output,
            }.ToJsonString());
        return 0;
    }
}
