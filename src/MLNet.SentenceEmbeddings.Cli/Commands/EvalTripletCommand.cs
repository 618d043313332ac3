using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert eval triplet</c>: share of (anchor, positive, negative) triplets with d(a, p) &lt; d(a, n).</summary>
public static class EvalTripletCommand
{
    public const string Help =
        "sbert eval triplet --data PATH [options]\n" +
        "  Triplet accuracy (SBERT Section 4.4): how often the anchor is closer to the positive than to the negative.\n" +
        "  --data PATH        SNLI in SentEval's layout (the s1.SPLIT file, or the folder with --split): one triplet per\n" +
        "                     premise with an entailed and a contradicting hypothesis; or a TSV anchor TAB positive TAB negative\n" +
        "  --split S          dev | test, for an SNLI folder (default test)\n" +
        "  --distance D       euclidean | cosine | manhattan (default euclidean, the paper's)\n" +
        EncoderArguments.Help +
        "  --json             print one JSON object as the last line\n";

    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(EncoderArguments.Flags) { "json" };

    public static int Run(ArgumentReader args, TextWriter output, TextWriter log)
    {
        string data = args.Required("data");
        string split = args.Optional("split") ?? "test";
        string distanceText = args.Optional("distance") ?? "euclidean";
        var distance = Enum.TryParse<TripletDistance>(distanceText, ignoreCase: true, out var d) && Enum.IsDefined(d)
            ? d : throw new UsageException($"--distance expects euclidean, cosine or manhattan, got '{distanceText}'.");
        var (model, options) = EncoderArguments.Read(args);
        bool json = args.Flag("json");
        args.EnsureAllUsed();

        var triplets = Load(data, split);
        log.WriteLine($"evaluating {model} on {triplets.Count} triplets from {data}, {distance.ToString().ToLowerInvariant()} distance");
        using var encoder = SentenceEncoder.Load(model, options);
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
