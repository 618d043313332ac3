using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Search;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench efficiency</c>: the paper's efficiency argument (SBERT Section 1: the most similar pair among
/// 10,000 sentences takes a cross-encoder ~65 h, SBERT ~5 s), its speed table (Table 7: smart batching), and
/// semantic search on Quora dev with float, int8 and binary indexes. Writes docs/efficiency.md.
/// </summary>
public static class BenchEfficiencyCommand
{
    private static readonly Option<bool> Quick = new("--quick") { Description = "small inputs to check the command in a minute; prints, writes no report unless --output is given" };
    private static readonly Option<int?> Sentences = CliOptions.OptionalInt("--sentences", "unique STSb sentences of the all-pairs experiment (default 10000, the paper's; 1000 with --quick)", min: 10);
    private static readonly Option<int?> CePairs = CliOptions.OptionalInt("--ce-pairs", "pairs timed for the cross-encoder (default 2000; 200 with --quick)", min: 10);
    private static readonly Option<int?> SpeedSentences = CliOptions.OptionalInt("--speed-sentences", "sentences per speed-table run (default 10000; 500 with --quick)", min: 10);
    private static readonly Option<int?> Rounds = CliOptions.OptionalInt("--rounds", "interleaved rounds of the speed table and the searches (default 1 and 3)");
    private static readonly Option<int?> QuoraPairs = CliOptions.OptionalInt("--quora-pairs", "Quora dev pairs used (default: all 10,000; 1000 with --quick)", min: 10);
    private static readonly Option<int> Threads = CliOptions.Int("--threads", "libtorch threads (default: cores)", Environment.ProcessorCount);
    private static readonly Option<int> BatchSize = CliOptions.Int("--batch-size", "sentences per forward pass", 32);
    private static readonly BenchReportOptionSet Report = new("efficiency.md");

    public static Command Create() => Report.AddTo(new Command("efficiency", "the 10k-sentence bi- vs cross-encoder experiment (SBERT Section 1), smart batching, and Quora duplicate-question search with float, int8 and binary indexes; writes docs/efficiency.md")
    {
        Quick, Sentences, CePairs, SpeedSentences, Rounds, QuoraPairs, Threads, BatchSize,
    }).SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    /// <summary>The paper's pool: n = 10,000 sentences, n(n-1)/2 = 49,995,000 pairs.</summary>
    private const int PaperSentences = 10_000;
    private const int TopK = 10;
    private const string Model = "default";

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        bool quick = args.GetValue(Quick);
        int count = args.GetValue(Sentences) ?? (quick ? 1_000 : PaperSentences);
        int cePairs = args.GetValue(CePairs) ?? (quick ? 200 : 2_000);
        int speedCount = args.GetValue(SpeedSentences) ?? (quick ? 500 : 10_000);
        int? rounds = args.GetValue(Rounds);
        int? quoraPairs = args.GetValue(QuoraPairs) ?? (quick ? 1_000 : null);
        int threads = args.GetValue(Threads);
        int batchSize = args.GetValue(BatchSize);
        var folders = Report.DataFolders(args, "stsb", "quora");
        string data = folders.Root("stsb");
        string? explicitOutput = args.GetValue(Report.Output);
        string? report = quick && explicitOutput is null ? null : BenchmarkInputs.ReportPath(explicitOutput, "efficiency.md");
        bool json = args.GetValue(Report.Json);

        string command = "dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- efficiency" +
                         (quick ? " --quick" : "") + $" --sentences {count} --ce-pairs {cePairs} --speed-sentences {speedCount} --threads {threads} --batch-size {batchSize}" +
                         (rounds is int r0 ? $" --rounds {r0}" : "") + (quoraPairs is int qp ? $" --quora-pairs {qp}" : "");
        var pool = BenchmarkInputs.UniqueStsbSentences(data);
        if (pool.Count < count) output.WriteLine($"only {pool.Count} unique STSb sentences; using all of them");
        var sentences = pool.Take(count).ToList<string?>();
        SentenceEncoderOptions Options(Precision p = Precision.Float32, bool sorted = true) =>
            new() { Precision = p, Threads = threads, BatchSize = batchSize, SortByLength = sorted };
        var result = new JsonObject { ["quick"] = quick, ["threads"] = threads, ["batch_size"] = batchSize };
        void Section(string name, StringBuilder md)
        {
            output.WriteLine();
            output.Write(md);
            if (report is not null) MarkdownReport.WriteSection(report, name, "Efficiency", md.ToString());
        }
        StringBuilder Header(string title)
        {
            var md = new StringBuilder();
            md.AppendLine($"## {title}");
            md.AppendLine();
            md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
            md.AppendLine($"Command: `{command}`{(quick ? " (quick check: small inputs)" : "")}");
            md.AppendLine();
            return md;
        }

        using var encoder = SentenceEncoder.Load(Model, Options());
        Section("efficiency-all-pairs", AllPairs(encoder, sentences, cePairs, Options(), Header, result, output));
        Section("efficiency-speed", SpeedTable(pool.Take(speedCount).ToList<string?>(), rounds ?? 1, Options, Header, result, output));
        Section("efficiency-search", QuoraSearch(encoder, folders.Root("quora"), quoraPairs, rounds ?? 3, Header, result, output));
        if (report is not null) output.WriteLine($"\nwrote {report}");
        if (json) output.WriteLine(result.ToJsonString());
        return 0;
    }

    private static StringBuilder AllPairs(SentenceEncoder encoder, List<string?> sentences, int cePairs, SentenceEncoderOptions ceOptions,
        Func<string, StringBuilder> header, JsonObject result, TextWriter output)
    {
        int n = sentences.Count;
        encoder.Encode(sentences.Take(256).ToList()); // warm-up: allocator, kernels
        var clock = Stopwatch.StartNew();
        var matrix = EmbeddingMatrix.Encode(encoder, sentences);
        double embedSeconds = clock.Elapsed.TotalSeconds;
        var best = ParaphraseMining.Mine(matrix, topK: 1, maxPairs: 1)[0];
        double biSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine($"bi-encoder: {n:N0} sentences embedded in {embedSeconds:F1} s, most similar pair found after {biSeconds:F1} s (cosine {best.Score:F4})");

        // The cross-encoder's cost does not depend on its head's weights: time the same MiniLM body with a new 1-label head.
        using var ce = CrossEncoder.Load(Model, numLabels: 1, ceOptions);
        var rng = new Random(42);
        var sample = Enumerable.Range(0, cePairs).Select(_ =>
        {
            int i = rng.Next(n), j = rng.Next(n - 1);
            return (sentences[i], sentences[j >= i ? j + 1 : j]);
        }).ToList();
        ce.Predict(sample.Take(64).ToList());
        clock.Restart();
        ce.Predict(sample);
        double pairsPerSecond = cePairs / clock.Elapsed.TotalSeconds;
        long allPairs = (long)n * (n - 1) / 2, paperPairs = (long)PaperSentences * (PaperSentences - 1) / 2;
        double ceSeconds = allPairs / pairsPerSecond, cePaperSeconds = paperPairs / pairsPerSecond;
        double ratio = ceSeconds / biSeconds;
        output.WriteLine($"cross-encoder: {pairsPerSecond:F1} pairs/s; {allPairs:N0} pairs would take {Hours(ceSeconds)}; ratio {ratio:N0}x");

        var md = header($"The most similar pair among {n:N0} sentences (SBERT Section 1)");
        md.AppendLine($"{n:N0} unique STSb sentences (train, dev, test in file order), all-MiniLM-L6-v2, fp32, length-sorted batches of {encoder.Options.BatchSize}.");
        md.AppendLine("The bi-encoder is measured end to end (embed every sentence, cosine of all pairs in chunks, arg-max); the cross-encoder");
        md.AppendLine($"(the same MiniLM body over \"[CLS] a [SEP] b [SEP]\" with a one-label head) is timed on {cePairs:N0} random pairs and extrapolated.");
        md.AppendLine();
        md.AppendLine("| | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine($"| bi-encoder: embed {n:N0} sentences | {embedSeconds:F1} s |");
        md.AppendLine($"| bi-encoder: embed + all {allPairs:N0} cosines + arg-max (measured) | **{biSeconds:F1} s** |");
        md.AppendLine($"| cross-encoder throughput (measured on {cePairs:N0} pairs) | {pairsPerSecond:F1} pairs/s |");
        md.AppendLine($"| cross-encoder: {allPairs:N0} pairs (extrapolated) | **{Hours(ceSeconds)}** |");
        if (n != PaperSentences) md.AppendLine($"| cross-encoder: the paper's {paperPairs:N0} pairs (extrapolated) | {Hours(cePaperSeconds)} |");
        md.AppendLine($"| ratio cross-encoder / bi-encoder | **{ratio:N0}x** |");
        md.AppendLine();
        md.AppendLine($"Most similar pair (cosine {best.Score:F4}): \"{sentences[best.First]}\" / \"{sentences[best.Second]}\".");
        md.AppendLine("Paper (V100 GPU, BERT-base): ~65 hours for the cross-encoder, ~5 seconds for SBERT. Targets here: bi-encoder <= 60 s, ratio >= 5,000x.");
        result["all_pairs"] = new JsonObject
        {
            ["sentences"] = n, ["embed_seconds"] = Math.Round(embedSeconds, 2), ["bi_encoder_seconds"] = Math.Round(biSeconds, 2),
            ["best_pair"] = new JsonArray(best.First, best.Second), ["best_cosine"] = Math.Round(best.Score, 4),
            ["cross_encoder_pairs_per_second"] = Math.Round(pairsPerSecond, 1), ["cross_encoder_seconds_extrapolated"] = Math.Round(ceSeconds),
            ["cross_encoder_seconds_paper_pairs"] = Math.Round(cePaperSeconds), ["ratio"] = Math.Round(ratio),
        };
        return md;
    }

    private static StringBuilder SpeedTable(List<string?> sentences, int rounds, Func<Precision, bool, SentenceEncoderOptions> options,
        Func<string, StringBuilder> header, JsonObject result, TextWriter output)
    {
        var configs = new (string Name, Precision Precision, bool Sorted)[]
        {
            ("fp32, smart batching", Precision.Float32, true), ("fp32, no smart batching", Precision.Float32, false),
            ("bf16, smart batching", Precision.BFloat16, true), ("bf16, no smart batching", Precision.BFloat16, false),
        };
        var encoders = configs.Select(c => SentenceEncoder.Load(Model, options(c.Precision, c.Sorted))).ToList();
        try
        {
            foreach (var e in encoders) e.Encode(sentences.Take(128).ToList()); // warm-up
            var seconds = Throughput.InterleavedMedianSeconds(
                configs.Select((c, i) => (c.Name, (Action)(() => encoders[i].Encode(sentences)))).ToList(), rounds,
                (name, r, s) => output.WriteLine($"round {r + 1}/{rounds}: {name,-26} {sentences.Count / s,8:F1} sentences/s"));
            var md = header("Speed with and without smart batching (SBERT Table 7)");
            md.AppendLine($"all-MiniLM-L6-v2 on {sentences.Count:N0} unique STSb sentences, batch {encoders[0].Options.BatchSize}; median of {rounds} interleaved round(s).");
            md.AppendLine($"Smart batching sorts sentences by length so a batch pads only to its own longest sentence ({Cli.Reproduction.Table7Speed.PaperSmartBatching()}).");
            md.AppendLine();
            md.AppendLine("| encoder | sentences/s |");
            md.AppendLine("|---|---:|");
            var rates = new JsonObject();
            foreach (var (name, s) in seconds)
            {
                md.AppendLine($"| {name} | {sentences.Count / s:F1} |");
                rates[name] = Math.Round(sentences.Count / s, 1);
            }
            double fp32Gain = seconds[configs[1].Name] / seconds[configs[0].Name] - 1, bf16Gain = seconds[configs[3].Name] / seconds[configs[2].Name] - 1;
            md.AppendLine();
            md.AppendLine($"Smart batching gain: fp32 {100 * fp32Gain:+0;-0}%, bf16 {100 * bf16Gain:+0;-0}%. See docs/benchmarks.md (`bench encoder`) for the comparison with ONNX Runtime.");
            result["speed_sentences_per_second"] = rates;
            return md;
        }
        finally
        {
            foreach (var e in encoders) e.Dispose();
        }
    }

    private static StringBuilder QuoraSearch(SentenceEncoder encoder, string data, int? maxPairs, int rounds,
        Func<string, StringBuilder> header, JsonObject result, TextWriter output)
    {
        string path = Path.Combine(data, "quora", "dev.txt");
        var task = QuoraDuplicatesReader.RetrievalTask(QuoraDuplicatesReader.Read(path), maxPairs);
        var clock = Stopwatch.StartNew();
        var corpus = EmbeddingMatrix.Encode(encoder, task.Corpus.ToList<string?>());
        double embedSeconds = clock.Elapsed.TotalSeconds;
        int dim = corpus.Dimension;
        var queryData = new float[task.Queries.Count * dim];
        for (int q = 0; q < task.Queries.Count; q++) corpus.Row(task.Queries[q]).CopyTo(queryData.AsSpan(q * dim, dim));
        var queries = new EmbeddingMatrix(queryData, dim);
        output.WriteLine($"quora: {task.Corpus.Count:N0} unique questions embedded in {embedSeconds:F1} s; {task.Queries.Count:N0} queries");

        var int8 = QuantizedIndex.Build(corpus, Quantization.Int8);
        var binary = QuantizedIndex.Build(corpus, Quantization.Binary);
        // topK + 1: the query is itself a corpus question, and is dropped from its own results.
        var variants = new (string Name, long Bytes, Func<SearchHit[][]> Search)[]
        {
            ("float32, exact", 4L * corpus.Data.Length, () => SemanticSearch.Search(queries, corpus, TopK + 1)),
            ("int8, rescored (x4 candidates)", int8.CodeBytes, () => int8.Search(queries, TopK + 1)),
            ("binary, rescored (x4 candidates)", binary.CodeBytes, () => binary.Search(queries, TopK + 1)),
            ("int8, no rescoring", int8.CodeBytes, () => int8.Search(queries, TopK + 1, rescoreMultiplier: 0)),
            ("binary, no rescoring", binary.CodeBytes, () => binary.Search(queries, TopK + 1, rescoreMultiplier: 0)),
        };
        var hits = new Dictionary<string, SearchHit[][]>();
        var seconds = Throughput.InterleavedMedianSeconds(variants.Select(v => (v.Name, (Action)(() => hits[v.Name] = v.Search()))).ToList(), rounds,
            (name, r, s) => output.WriteLine($"round {r + 1}/{rounds}: {name,-34} {task.Queries.Count / s,10:F1} queries/s"));

        double Recall(SearchHit[][] h, int k) => Enumerable.Range(0, task.Queries.Count).Average(q =>
        {
            var top = h[q].Where(x => x.CorpusIndex != task.Queries[q]).Take(k).Select(x => x.CorpusIndex).ToHashSet();
            return (double)task.Relevant[q].Count(top.Contains) / task.Relevant[q].Length;
        });
        double floatRecall = Recall(hits[variants[0].Name], TopK);
        var md = header("Semantic search on Quora duplicate questions");
        md.AppendLine($"Quora dev ({path.Replace(data, "../shared/data")}{(maxPairs is int m ? $", first {m:N0} pairs" : "")}): corpus = {task.Corpus.Count:N0} unique questions, " +
                      $"queries = the first question of {task.Queries.Count:N0} duplicate pairs, relevant = its duplicates; the query itself is removed from its results.");
        md.AppendLine($"all-MiniLM-L6-v2 ({dim} dimensions; corpus embedded at {task.Corpus.Count / embedSeconds:F0} sentences/s). Queries/s count the search only " +
                      $"(query vectors given), median of {rounds} round(s); quantized indexes use per-dimension int8 scales and sign bits, rescoring with the float vectors.");
        md.AppendLine();
        md.AppendLine("| index | memory | queries/s | recall@1 | recall@10 | recall@10 lost vs float |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        var json = new JsonObject { ["corpus"] = task.Corpus.Count, ["queries"] = task.Queries.Count };
        foreach (var v in variants)
        {
            double recall = Recall(hits[v.Name], TopK), recall1 = Recall(hits[v.Name], 1), qps = task.Queries.Count / seconds[v.Name];
            md.AppendLine($"| {v.Name} | {v.Bytes / 1024.0 / 1024.0:F1} MB | {qps:F0} | {100 * recall1:F2}% | {100 * recall:F2}% | {100 * (floatRecall - recall):F2} points |");
            json[v.Name] = new JsonObject
            {
                ["bytes"] = v.Bytes, ["queries_per_second"] = Math.Round(qps, 1), ["recall_at_1"] = Math.Round(recall1, 4), ["recall_at_10"] = Math.Round(recall, 4),
            };
        }
        result["quora_search"] = json;
        return md;
    }

    private static string Hours(double seconds) =>
        seconds >= 3600 ? $"{seconds / 3600:F1} h" : seconds >= 60 ? $"{seconds / 60:F1} min" : $"{seconds:F1} s";
}
