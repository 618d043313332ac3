using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert merge</c>: the outputs of <c>sbert embed --shard i/N</c> joined into the single run's output, byte for byte.</summary>
public static class MergeCommand
{
    private static readonly Argument<string[]> Parts = new("parts")
    {
        Description = "the shard outputs in shard order (0/N first): .tsv, .npy, .parquet or .safetensors",
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Option<string> Output = new("--output")
    {
        Description = "the merged file; the extension picks the format (as for embed); written whole or not at all",
        Required = true,
    };
    private static readonly Option<bool> Json = CliOptions.Json("rows, parts, output");

    public static Command Create() => new Command("merge", "join the outputs of 'sbert embed --shard i/N' (in shard order) into the file " +
        "a single run writes, byte for byte; .parquet parts are checked to follow each other")
    {
        Parts, Output, Json,
    }.SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter stdout, TextWriter log)
    {
        var parts = args.GetValue(Parts)!;
        string output = args.GetValue(Output)!;
        foreach (var part in parts)
            if (!File.Exists(part)) throw new UsageException($"parts: file not found: {part}");
        long rows;
        try { rows = EmbeddingFileMerger.Merge(parts, output, cancellationToken: cancellationToken); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        log.WriteLine($"merged {parts.Length} part(s), {rows:N0} row(s), into {output}");
        if (args.GetValue(Json))
            stdout.WriteLine(new JsonObject { ["rows"] = rows, ["parts"] = parts.Length, ["output"] = output }.ToJsonString());
        return 0;
    }
}
