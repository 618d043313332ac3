using System.CommandLine;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert eval triplet</c>: share of (anchor, positive, negative) triplets with d(a, p) &lt; d(a, n).</summary>
public static class EvalTripletCommand
{
    private static readonly Option<string?> Data = new("--data")
    {
        Description = "SNLI in SentEval's layout (the s1.SPLIT file, or the folder with --split): one triplet per premise with " +
                      "an entailed and a contradicting hypothesis; or a TSV anchor TAB positive TAB negative (default: the snli " +
                      "data set found as `sbert data locate snli` finds it)",
    };
    private static readonly Option<string> Split = new("--split") { Description = "for an SNLI folder", DefaultValueFactory = _ => "test" };
    private static readonly Option<TripletDistance> Distance = CliOptions.Parsed("--distance", "distance (the paper's: euclidean)",
        ParseDistance, ["euclidean", "cosine", "manhattan"], TripletDistance.Euclidean);
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = CliOptions.Json("accuracy and n");

    public static Command Create()
    {
        Split.AcceptOnlyFromAmong("dev", "test", "train");
        return Encoder.AddTo(new Command("triplet", "triplet accuracy (SBERT Section 4.4): how often the anchor is closer to the positive than to the negative")
        {
            Data, Split, Distance, Json,
        }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    private static TripletDistance ParseDistance(string text) =>
        Enum.TryParse<TripletDistance>(text, ignoreCase: true, out var d) && Enum.IsDefined(d)
            ? d : throw new ArgumentException($"expected euclidean, cosine or manhattan, got '{text}'.");

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string data = args.GetValue(Data) ?? DataSetFolders.Locate(null, ["snli"], log, cancellationToken).Folder("snli");
        string split = args.GetValue(Split)!;
        var distance = args.GetValue(Distance);
        var (model, options) = Encoder.Bind(args);
        bool json = args.GetValue(Json);

        var triplets = Load(data, split);
        log.WriteLine($"evaluating {model} on {triplets.Count} triplets from {data}, {distance.ToString().ToLowerInvariant()} distance");
        using var encoder = Models.LoadEncoder(model, options);
        var metrics = new TripletEvaluator(triplets, distance).Evaluate(encoder);
        output.WriteLine($"accuracy {100 * metrics["accuracy"]:F2}% over {metrics["n"]:N0} triplets");
        if (json) output.WriteLine(new JsonObject { ["accuracy"] = Math.Round(100 * metrics["accuracy"], 4), ["n"] = (int)metrics["n"] }.ToJsonString());
        return 0;
    }

    public static List<(string Anchor, string Positive, string Negative)> Load(string data, string split)
    {
        if (Directory.Exists(data)) data = Path.Combine(data, "s1." + split);
        if (Path.GetFileName(data).StartsWith("s1.", StringComparison.Ordinal)) return SnliReader.Triplets(SnliReader.Read(data));
        return TsvReader.Read(data, 3).Select(r => (r.Fields[0], r.Fields[1], r.Fields[2])).ToList();
    }
}
