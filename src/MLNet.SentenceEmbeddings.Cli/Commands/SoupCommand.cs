using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert soup</c>: models fine-tuned from one start (seeds, learning rates) averaged weight by weight into one
/// (ModelSoup): every model, or with <c>--greedy-on</c> those that the greedy recipe keeps on held-out STS pairs.
/// Bi-encoders and cross-encoders alike, told apart by their folders.
/// </summary>
public static class SoupCommand
{
    private static readonly Argument<string[]> Folders = new("models")
    {
        Description = "two or more model folders fine-tuned from one start: sentence-transformers folders, or cross-encoders saved by CrossEncoder.Save (not mixed)",
        Arity = ArgumentArity.OneOrMore,
    };
    private static readonly Option<string> Output = new("--output")
    {
        Description = "the soup's folder, in the models' format; written whole or not at all",
        Required = true,
    };
    private static readonly Option<string?> GreedyOn = new("--greedy-on")
    {
        Description = "held-out STS pairs (a file, or a stsb/sick folder whose --split file is read): keep only the models the greedy soup " +
                      "recipe keeps on their Spearman (each scored alone, tried best first, kept where the soup does not fall). " +
                      "Without it every model is averaged. Never the data the soup is reported on",
    };
    private static readonly Option<string?> Format = new("--format") { Description = StsData.Formats + " for --greedy-on (default: guessed from the path)" };
    private static readonly Option<string> Split = new("--split") { Description = "for a stsb or sick folder given to --greedy-on", DefaultValueFactory = _ => "dev" };
    private static readonly Option<bool> Json = CliOptions.Json("kind, models, kept, each model's score and the soup's (x100), output");

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("stsb", "sick", "senteval-sts", "tsv");
        Split.AcceptOnlyFromAmong("train", "dev", "test");
        return new Command("soup", "average models fine-tuned from one start into one model of the same size (a model soup): all of them, " +
            "or with --greedy-on those the greedy recipe keeps on held-out STS pairs")
        {
            Folders, Output, GreedyOn, Format, Split, Json,
        }.SetRun((r, _) => Run(r, Console.Out, Console.Error));
    }

    private static int Run(ParseResult args, TextWriter stdout, TextWriter log)
    {
        var folders = args.GetValue(Folders)!;
        string output = args.GetValue(Output)!;
        if (folders.Length < 2) throw new UsageException($"models: expected two or more folders to average, got {folders.Length}.");
        foreach (string folder in folders)
            if (!Directory.Exists(folder)) throw new UsageException($"models: folder not found: {folder}");
        static string Full(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (folders.Any(f => Full(f) == Full(output)))
            throw new UsageException($"--output: {output} is one of the models; write the soup to a new folder.");
        bool crossEncoders = IsCrossEncoder(folders[0]);
        if (folders.FirstOrDefault(f => IsCrossEncoder(f) != crossEncoders) is { } other)
            throw new UsageException($"models: {other} is {(crossEncoders ? "a bi-encoder" : "a cross-encoder")} and {folders[0]} is not; a soup averages models of one kind.");
        List<SentencePair>? heldOut = null;
        if (args.GetValue(GreedyOn) is { } data)
        {
            heldOut = StsData.Load(args.GetValue(Format) ?? EvalStsCommand.GuessFormat(data), data, args.GetValue(Split)!).SelectMany(s => s.Pairs).ToList();
            log.WriteLine($"greedy soup of {folders.Length} {(crossEncoders ? "cross-encoders" : "bi-encoders")}, scored on {heldOut.Count} pairs of {data}");
        }
        else log.WriteLine($"uniform soup of {folders.Length} {(crossEncoders ? "cross-encoders" : "bi-encoders")}");

        var (kept, own, score) = StsSoup.Make(crossEncoders, folders, heldOut, threads: null, soup => soup.Save(output));
        if (own is not null)
        {
            stdout.WriteLine($"{"Spearman",9}  kept  model");
            foreach (var (folder, s) in own) stdout.WriteLine($"{100 * s,9:F2}  {(kept.Contains(folder) ? "yes" : "no"),-4}  {folder}");
            stdout.WriteLine($"{100 * score!.Value,9:F2}  soup  {output}");
        }
        log.WriteLine($"wrote the soup of {kept.Count} of {folders.Length} models to {output}");
        if (args.GetValue(Json))
        {
            var json = new JsonObject
            {
                ["kind"] = crossEncoders ? "cross-encoder" : "bi-encoder",
                ["models"] = new JsonArray(folders.Select(f => (JsonNode)f).ToArray()),
                ["kept"] = new JsonArray(kept.Select(f => (JsonNode)f).ToArray()),
                ["output"] = output,
            };
            if (own is not null)
            {
                json["scores"] = new JsonObject(own.Select(o => KeyValuePair.Create(o.Folder, (JsonNode?)Math.Round(100 * o.Score, 4))));
                json["soup_score"] = Math.Round(100 * score!.Value, 4);
            }
            stdout.WriteLine(json.ToJsonString());
        }
        return 0;
    }

    /// <summary>A cross-encoder folder: config.json at its root declaring a sequence classifier (what CrossEncoder.Save writes).</summary>
    private static bool IsCrossEncoder(string folder) =>
        !File.Exists(Path.Combine(folder, "modules.json")) && CrossEncoderFolder.ReadHead(new FolderFileSource(folder), "") is not null;
}
