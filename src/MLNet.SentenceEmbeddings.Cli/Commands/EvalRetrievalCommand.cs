using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert eval retrieval</c>: duplicate-question retrieval on Quora (corpus: every question of the split; queries: the
/// first question of each duplicate pair; relevant: its duplicates), scored as sentence-transformers'
/// InformationRetrievalEvaluator does. With <c>--output</c>, the run's row goes into the file's generated section
/// <see cref="Section"/>; rows of other models and prompts stay.
/// </summary>
public static class EvalRetrievalCommand
{
    public const string Section = "eval-retrieval";

    private static readonly Option<string?> Data = new("--data")
    {
        Description = "Quora pairs (q1 TAB q2 TAB is_duplicate), a file or the folder holding SPLIT.txt (default: the quora data set found as `sbert data locate quora` finds it)",
    };
    private static readonly Option<string> Split = new("--split") { Description = "for a folder: dev or test", DefaultValueFactory = _ => "test" };
    private static readonly Option<int?> MaxPairs = CliOptions.OptionalInt("--max-pairs", "only the first N pairs (a quick run)");
    private static readonly Option<bool> NoQueryPrompt = new("--no-query-prompt")
    {
        Description = "queries without the model's \"query\" prompt (by default it is used when the model has one, as encode_query does)",
    };
    private static readonly Option<string?> Output = new("--output") { Description = $"Markdown file whose section '{Section}' gets this run's row" };
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<bool> Json = CliOptions.Json("every metric (x100), queries and corpus size");

    /// <summary>The metrics in the printed table and the Markdown row, in order.</summary>
    private static readonly (string Key, string Label)[] Shown =
    {
        ("ndcg@10", "NDCG@10"), ("mrr@10", "MRR@10"), ("map@100", "MAP@100"), ("recall@1", "Recall@1"), ("recall@10", "Recall@10"),
        ("accuracy@1", "Accuracy@1"), ("accuracy@10", "Accuracy@10"),
    };

    public static Command Create()
    {
        Split.AcceptOnlyFromAmong("dev", "test");
        return Encoder.AddTo(new Command("retrieval", "duplicate-question retrieval on Quora: NDCG@10, MRR@10, MAP@100, recall, precision and accuracy at k (x100)")
        {
            Data, Split, MaxPairs, NoQueryPrompt, Output, Json,
        }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));
    }

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        string split = args.GetValue(Split)!;
        string path = args.GetValue(Data) ?? DataSetFolders.Locate(null, ["quora"], log, cancellationToken).Folder("quora");
        if (Directory.Exists(path)) path = Path.Combine(path, split + ".txt");
        if (!File.Exists(path)) throw new UsageException($"--data: file not found: {path}");
        var (model, options) = Encoder.Bind(args);
        if (Encoder.BindPrompt(args) is { IsNone: false } p && (p.Name ?? p.Text) is not null)
            throw new UsageException("--prompt-name / --prompt: this command puts the model's \"query\" prompt before queries only; use --no-query-prompt to leave it out.");
        bool noPrompt = args.GetValue(NoQueryPrompt);

        var task = QuoraDuplicatesReader.RetrievalTask(QuoraDuplicatesReader.Read(path), args.GetValue(MaxPairs));
        var irOptions = new InformationRetrievalOptions { QueryPrompt = noPrompt ? Prompt.None : null };
        var evaluator = InformationRetrievalEvaluator.FromDuplicates(task, irOptions);
        log.WriteLine($"evaluating {model} on {evaluator.QueryCount:N0} queries against {evaluator.CorpusCount:N0} questions from {path}");
        using var encoder = Models.LoadEncoder(model, options);
        string prompt = noPrompt || !encoder.Config.Prompts.TryGetValue("query", out var text) ? "none" : $"\"{text.Trim()}\"";
        var metrics = evaluator.Evaluate(encoder, cancellationToken);

        output.WriteLine($"query prompt: {prompt}; {evaluator.QueryCount:N0} queries, corpus {evaluator.CorpusCount:N0}");
        foreach (var (key, value) in metrics.Where(kv => kv.Key != "queries")) output.WriteLine($"{key,-14} {100 * value,7:F2}");
        if (args.GetValue(Json))
        {
            var json = new JsonObject { ["queries"] = evaluator.QueryCount, ["corpus"] = evaluator.CorpusCount, ["query_prompt"] = prompt };
            foreach (var (key, value) in metrics.Where(kv => kv.Key != "queries")) json[key] = Math.Round(100 * value, 4);
            output.WriteLine(json.ToJsonString());
        }
        if (args.GetValue(Output) is string report)
        {
            string command = "sbert eval retrieval --model " + model + (args.GetValue(Data) is null ? "" : " --data DIR") + $" --split {split}" +
                             (args.GetValue(MaxPairs) is int m ? $" --max-pairs {m}" : "") + (noPrompt ? " --no-query-prompt" : "") + " --output FILE";
            string row = "| " + string.Join(" | ", new[] { model, prompt.Replace("|", "\\|"), split, $"{evaluator.QueryCount:N0}", $"{evaluator.CorpusCount:N0}" }
                .Concat(Shown.Select(s => (100 * metrics[s.Key]).ToString("F2", CultureInfo.InvariantCulture)))
                .Concat(new[] { $"{MachineInfo.Today}, {MachineInfo.Describe()}", $"`{command}`" })) + " |";
            WriteRow(report, row);
            log.WriteLine($"wrote the row to section {Section} of {report}");
        }
        return 0;
    }

    /// <summary>Puts <paramref name="row"/> into the section's table, replacing the row of the same model, prompt and split.</summary>
    public static void WriteRow(string report, string row)
    {
        static string Key(string r) => string.Join("|", r.Split(" | ").Take(3));
        var rows = ReadRows(report).Where(r => Key(r) != Key(row)).Append(row).OrderBy(r => r, StringComparer.Ordinal).ToList();
        var md = new StringBuilder();
        md.AppendLine("### Retrieval: Quora duplicate questions");
        md.AppendLine();
        md.AppendLine("Written by `sbert eval retrieval --output FILE`, one row per model, query prompt and split, each with its own date, machine " +
                      "and command (a rerun replaces its row). Corpus: every question of the split (Quora's BiMPM dev or test partition, " +
                      "shared/data/quora); queries: the first question of each duplicate pair; relevant: that question's duplicates. A query " +
                      "never retrieves itself. Exact cosine search; metrics x100, averaged over the queries, as sentence-transformers' " +
                      "InformationRetrievalEvaluator computes them.");
        md.AppendLine();
        md.AppendLine("| model | query prompt | split | queries | corpus | " + string.Join(" | ", Shown.Select(s => s.Label)) + " | measured | command |");
        md.AppendLine("|---|---|---|---:|---:|" + string.Concat(Shown.Select(_ => "---:|")) + "---|---|");
        foreach (var r in rows) md.AppendLine(r);
        MarkdownReport.WriteSection(report, Section, "Evaluation", md.ToString());
    }

    private static IEnumerable<string> ReadRows(string report)
    {
        if (!File.Exists(report)) return Array.Empty<string>();
        string text = File.ReadAllText(report);
        string start = $"<!-- {Section}:start -->", end = $"<!-- {Section}:end -->";
        int i = text.IndexOf(start, StringComparison.Ordinal), j = text.IndexOf(end, StringComparison.Ordinal);
        if (i < 0 || j < i) return Array.Empty<string>();
        // Data rows only: past the header row and its |---| separator.
        return text[i..j].Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| model |", StringComparison.Ordinal)).ToList();
    }
}
