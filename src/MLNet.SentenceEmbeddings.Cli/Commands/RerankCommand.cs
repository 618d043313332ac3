using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert rerank</c>: cross-encoder scores for sentence pairs, or for a query against candidates (best first).</summary>
public static class RerankCommand
{
    private static readonly CorpusOptionSet CorpusOptions = new();
    private static readonly PairOptions PairFile = new(CorpusOptions.Header);
    private static readonly Option<string?> Query = new("--query") { Description = "a query to score every --candidates row against" };
    private static readonly Option<string?> Candidates = new("--candidates") { Description = "candidates for --query, one per row (.txt, .tsv, .csv, .jsonl, .parquet; see --column, --field)" };
    private static readonly Option<int?> TopK = CliOptions.OptionalInt("--top-k", "with --query: print only the best K candidates");
    private static readonly EncoderOptionSet Encoder = new(pooling: false);
    private static readonly Option<bool> Json = new("--json") { Description = "print one JSON object per scored pair (JSON lines) instead of text" };

    public static Command Create()
    {
        Encoder.Model.Description = "a cross-encoder folder (saved by CrossEncoder.Save or 'sbert-bench cross-encoder --save DIR', or a " +
            "Hugging Face BertForSequenceClassification folder); an embedded name gets an untrained head, whose scores mean nothing";
        var command = new Command("rerank", "cross-encoder scores (the paper's accurate, slow reference): for each pair of a --pairs file, " +
            "or for --query against each --candidates row, best first")
        {
            Query, Candidates, TopK, Json,
        };
        command.Validators.Add(r =>
        {
            bool pairs = r.GetValue(PairFile.Pairs) is not null, query = r.GetValue(Query) is not null, candidates = r.GetValue(Candidates) is not null;
            if (pairs == (query || candidates) || query != candidates) r.AddError("give --pairs FILE, or --query TEXT with --candidates FILE.");
        });
        return Encoder.AddTo(CorpusOptions.AddTo(PairFile.AddTo(command))).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        var (model, options) = Encoder.Bind(args);
        bool json = args.GetValue(Json);
        if (!Models.IsFolder(model)) log.WriteLine($"sbert: warning: '{model}' is not a cross-encoder folder; its new head is untrained and the scores mean nothing.");
        if (args.GetValue(Query) is string query)
        {
            string path = args.GetValue(Candidates)!;
            CorpusOptionSet.Check(path, "--candidates");
            var candidates = CorpusTexts.ReadAll(path, CorpusOptions.Bind(args), cancellationToken);
            using var ce = Models.LoadCrossEncoder(model, options);
            float[] scores = ce.Predict(candidates.Select(c => ((string?)query, c)).ToList(), cancellationToken);
            var ranked = Enumerable.Range(0, candidates.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(args.GetValue(TopK) ?? int.MaxValue).ToList();
            for (int k = 0; k < ranked.Count; k++)
            {
                int i = ranked[k];
                output.WriteLine(json
                    ? new JsonObject { ["rank"] = k + 1, ["row"] = i, ["score"] = Math.Round(scores[i], 6), ["query"] = query, ["text"] = candidates[i] }.ToJsonString()
                    : string.Create(CultureInfo.InvariantCulture, $"{k + 1,4}  {scores[i]:F4}  [{i}]  {candidates[i]}"));
            }
            return 0;
        }
        using (var ce = Models.LoadCrossEncoder(model, options))
            foreach (var window in PairOptions.Windows(PairFile.Read(args, cancellationToken), CorpusEmbedder.DefaultWindow))
            {
                float[] scores = ce.Predict(window.Select(p => ((string?)p.First, (string?)p.Second)).ToList(), cancellationToken);
                for (int i = 0; i < window.Count; i++)
                    output.WriteLine(json
                        ? new JsonObject { ["row"] = window[i].Row, ["score"] = Math.Round(scores[i], 6), ["first"] = window[i].First, ["second"] = window[i].Second }.ToJsonString()
                        : string.Create(CultureInfo.InvariantCulture, $"{scores[i]:F4}\t{window[i].First}\t{window[i].Second}"));
            }
        return 0;
    }
}
