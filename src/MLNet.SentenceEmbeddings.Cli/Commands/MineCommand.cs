using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;
using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert mine</c>: paraphrase mining, the most similar pairs of rows within one corpus.</summary>
public static class MineCommand
{
    private static readonly Option<string> Input = new("--input") { Description = "the corpus (.txt, .tsv, .csv, .jsonl, .parquet; see --column, --field)", Required = true };
    private static readonly Option<string?> Embeddings = new("--embeddings") { Description = "the corpus vectors written by 'sbert embed' with the same model; computed now when not given" };
    private static readonly Option<int> TopK = CliOptions.Int("--top-k", "candidates kept per row before pairing (more finds more pairs, costs memory)", ParaphraseMining.DefaultTopK);
    private static readonly Option<int> MaxPairs = CliOptions.Int("--max-pairs", "pairs printed, most similar first", 100);
    private static readonly Option<double?> MinScore = new("--min-score") { Description = "only pairs with at least this cosine" };
    private static readonly CorpusOptionSet CorpusOptions = new();
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = new("--json") { Description = "print one JSON object per pair (JSON lines) instead of text" };

    public static Command Create() => Encoder.AddTo(CorpusOptions.AddTo(new Command("mine", "paraphrase mining: the most similar pairs of rows of a corpus (cosine), most similar first")
    {
        Input, Embeddings, TopK, MaxPairs, MinScore, Json,
    })).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string input = args.GetValue(Input)!;
        CorpusOptionSet.Check(input, "--input");
        var reader = CorpusOptions.Bind(args);
        var (model, options) = Encoder.Bind(args);
        using var encoder = Models.LoadEncoder(model, options);
        var vectors = CorpusTexts.Vectors(encoder, input, reader, args.GetValue(Embeddings), log, cancellationToken);
        double min = args.GetValue(MinScore) ?? double.NegativeInfinity;
        var pairs = ParaphraseMining.Mine(vectors, args.GetValue(TopK), args.GetValue(MaxPairs), new SearchOptions { CancellationToken = cancellationToken })
            .Where(p => p.Score >= min).ToList();
        var texts = CorpusTexts.Fetch(input, reader, pairs.SelectMany(p => new[] { (long)p.First, p.Second }), cancellationToken);
        foreach (var p in pairs)
            output.WriteLine(args.GetValue(Json)
                ? new JsonObject { ["score"] = Math.Round(p.Score, 6), ["first"] = p.First, ["second"] = p.Second, ["first_text"] = texts[p.First], ["second_text"] = texts[p.Second] }.ToJsonString()
                : string.Create(CultureInfo.InvariantCulture, $"{p.Score:F4}\t[{p.First}] {texts[p.First]}\t[{p.Second}] {texts[p.Second]}"));
        return 0;
    }
}
