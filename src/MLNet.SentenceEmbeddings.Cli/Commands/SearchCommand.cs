using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;
using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>sbert search</c>: the corpus rows nearest to each query, exact or over int8 / binary codes.</summary>
public static class SearchCommand
{
    private static readonly Option<string> Corpus = new("--corpus") { Description = "the corpus (.txt, .tsv, .csv, .jsonl, .parquet; see --column, --field)", Required = true };
    private static readonly Option<string[]> Query = new("--query") { Description = "a query (repeat for several)", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Queries = new("--queries") { Description = "a file of queries, one per row (same reading options as the corpus)" };
    private static readonly Option<int> TopK = CliOptions.Int("--top-k", "hits per query", 10);
    private static readonly Option<string> QuantizationOption = new("--quantization")
    {
        Description = "none: exact cosine over float vectors; int8 / binary: candidates from 4x / 32x smaller codes, rescored with the float vectors",
        DefaultValueFactory = _ => "none",
    };
    private static readonly Option<string?> Embeddings = new("--embeddings") { Description = "the corpus vectors written by 'sbert embed' (.npy, .safetensors, .parquet, .tsv) with the same model; computed now when not given" };
    private static readonly CorpusOptionSet CorpusOptions = new();
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = new("--json") { Description = "print one JSON object per query (JSON lines) instead of text" };

    public static Command Create()
    {
        QuantizationOption.AcceptOnlyFromAmong("none", "int8", "binary");
        var command = new Command("search", "semantic search: the --top-k corpus rows most similar (cosine) to each query")
        {
            Corpus, Query, Queries, TopK, QuantizationOption, Embeddings, Json,
        };
        command.Validators.Add(r =>
        {
            bool one = (r.GetValue(Query)?.Length ?? 0) > 0, file = r.GetValue(Queries) is not null;
            if (one == file) r.AddError("give queries with --query TEXT (repeatable) or --queries FILE, one of the two.");
        });
        return Encoder.AddTo(CorpusOptions.AddTo(command)).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string corpus = args.GetValue(Corpus)!;
        CorpusOptionSet.Check(corpus, "--corpus");
        var reader = CorpusOptions.Bind(args);
        var (model, options) = Encoder.Bind(args);
        int topK = args.GetValue(TopK);
        string? queriesFile = args.GetValue(Queries);
        if (queriesFile is not null) CorpusOptionSet.Check(queriesFile, "--queries");
        var queries = queriesFile is null ? args.GetValue(Query)!.Select(q => (string?)q).ToList() : CorpusTexts.ReadAll(queriesFile, reader, cancellationToken);
        bool json = args.GetValue(Json);

        using var encoder = Models.LoadEncoder(model, options);
        var vectors = CorpusTexts.Vectors(encoder, corpus, reader, args.GetValue(Embeddings), log, cancellationToken);
        var queryVectors = EmbeddingMatrix.Encode(encoder, queries, cancellationToken);
        var hits = args.GetValue(QuantizationOption) switch
        {
            "int8" => QuantizedIndex.Build(vectors, Quantization.Int8).Search(queryVectors, topK, options: new SearchOptions { CancellationToken = cancellationToken }),
            "binary" => QuantizedIndex.Build(vectors, Quantization.Binary).Search(queryVectors, topK, options: new SearchOptions { CancellationToken = cancellationToken }),
            _ => SemanticSearch.Search(queryVectors, vectors, topK, new SearchOptions { CancellationToken = cancellationToken }),
        };
        var texts = CorpusTexts.Fetch(corpus, reader, hits.SelectMany(h => h.Select(x => (long)x.CorpusIndex)), cancellationToken);
        for (int q = 0; q < queries.Count; q++)
        {
            if (json)
            {
                var list = new JsonArray();
                for (int k = 0; k < hits[q].Length; k++)
                    list.Add(new JsonObject { ["rank"] = k + 1, ["row"] = hits[q][k].CorpusIndex, ["score"] = Math.Round(hits[q][k].Score, 6), ["text"] = texts[hits[q][k].CorpusIndex] });
                output.WriteLine(new JsonObject { ["query"] = queries[q], ["query_index"] = q, ["hits"] = list }.ToJsonString());
            }
            else
            {
                output.WriteLine($"query: {queries[q]}");
                for (int k = 0; k < hits[q].Length; k++)
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k + 1,4}  {hits[q][k].Score:F4}  [{hits[q][k].CorpusIndex}]  {texts[hits[q][k].CorpusIndex]}"));
                output.WriteLine();
            }
        }
        return 0;
    }
}
