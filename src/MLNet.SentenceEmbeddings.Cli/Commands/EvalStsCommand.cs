using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert eval sts</c>: Spearman and Pearson correlation of embedding similarity with gold STS scores.</summary>
public static class EvalStsCommand
{
    private static readonly Option<string?> Data = new("--data")
    {
        Description = "a file, or a folder: stsb/sick pick the --split file in it; senteval-sts reads a year folder holding " +
                      "STS.input.NAME.txt + STS.gs.NAME.txt (e.g. SentEval's STS12-en-test). Default for stsb (the default " +
                      "format) and sick: the data set found as `sbert data locate` finds it, STSb downloaded from the Hub if need be",
    };
    private static readonly Option<string?> Format = new("--format") { Description = StsData.Formats + " (default: guessed from the path)" };
    private static readonly Option<string> Split = new("--split") { Description = "for a stsb or sick folder", DefaultValueFactory = _ => "test" };
    private static readonly Option<SimilarityFunction> Similarity = CliOptions.Parsed("--similarity", "similarity of the two vectors (the paper's: cosine)",
        t => SimilarityFunctions.Parse(t), ["cosine", "dot", "euclidean", "manhattan"], SimilarityFunction.Cosine);
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = CliOptions.Json("ALL, each sub-set and their mean");

    public static Command Create()
    {
        Format.AcceptOnlyFromAmong("stsb", "sick", "senteval-sts", "tsv");
        Split.AcceptOnlyFromAmong("train", "dev", "test");
        return Encoder.AddTo(new Command("sts", "Spearman/Pearson of embedding similarity vs gold STS scores (STSb, SICK-R, STS12-16, TSV), x100. " +
            "With several sub-sets (an STS12-16 year) the headline figures are the paper's ALL protocol: one correlation over all " +
            "sub-sets concatenated; each sub-set's own figures and their mean are given too.")
        {
            Data, Format, Split, Similarity, Json,
        }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string? given = args.GetValue(Data);
        string format = args.GetValue(Format) ?? (given is null ? "stsb" : GuessFormat(given));
        string split = args.GetValue(Split)!;
        string data = given ?? (format is "stsb" or "sick"
            ? DataSetFolders.Locate(null, [format], log, cancellationToken).Folder(format)
            : throw new UsageException($"--data: required with --format {format}; only stsb and sick are found without it."));
        var similarity = args.GetValue(Similarity);
        var (model, options) = Encoder.Bind(args);
        bool json = args.GetValue(Json);

        var subsets = StsData.Load(format, data, split);
        log.WriteLine($"evaluating {model} on {subsets.Sum(s => s.Pairs.Count)} pairs in {subsets.Count} sub-set(s) of {data} ({format}), {SimilarityFunctions.ToName(similarity)}");
        using var encoder = Models.LoadEncoder(model, options);
        var result = new StsSubsetsEvaluator(subsets, similarity).Evaluate(s => encoder.Encode(s, cancellationToken));
        Print(result, output);
        if (json) output.WriteLine(ToJson(result).ToJsonString());
        return 0;
    }

    public static string GuessFormat(string path)
    {
        if (Directory.Exists(path))
            return Directory.GetFiles(path, "STS.input.*.txt").Length > 0 ? "senteval-sts"
                 : Directory.GetFiles(path, "SICK_*.txt").Length > 0 ? "sick" : "stsb";
        string name = Path.GetFileName(path).ToLowerInvariant();
        return name.StartsWith("sts-") ? "stsb" : name.StartsWith("sick") ? "sick" : "tsv";
    }

    private static void Print(StsResult r, TextWriter output)
    {
        output.WriteLine($"{"sub-set",-24} {"n",6} {"Spearman",9} {"Pearson",9}");
        foreach (var (name, c) in r.Subsets) output.WriteLine($"{name,-24} {c.N,6} {100 * c.Spearman,9:F2} {100 * c.Pearson,9:F2}");
        if (r.Subsets.Count > 1)
        {
            output.WriteLine($"{"ALL (concatenated)",-24} {r.All.N,6} {100 * r.All.Spearman,9:F2} {100 * r.All.Pearson,9:F2}");
            output.WriteLine($"{"mean of sub-sets",-24} {"",6} {100 * r.MeanSpearman,9:F2} {100 * r.MeanPearson,9:F2}");
        }
    }

    /// <summary>{"spearman", "pearson", "n", "subsets": {name: {...}}, "mean"}, correlations x100; top level = ALL.</summary>
    public static JsonObject ToJson(StsResult r)
    {
        // A constant series has no correlation (NaN), which JSON cannot hold: written as null.
        static double? X100(double v) => double.IsNaN(v) ? null : Math.Round(100 * v, 4);
        var subsets = new JsonObject();
        foreach (var (name, c) in r.Subsets)
            subsets[name] = new JsonObject { ["spearman"] = X100(c.Spearman), ["pearson"] = X100(c.Pearson), ["n"] = c.N };
        return new JsonObject
        {
            ["spearman"] = X100(r.All.Spearman), ["pearson"] = X100(r.All.Pearson), ["n"] = r.All.N,
            ["subsets"] = subsets, ["mean"] = X100(r.MeanSpearman),
        };
    }
}
