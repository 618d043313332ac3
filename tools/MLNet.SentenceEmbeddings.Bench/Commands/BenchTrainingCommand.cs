using System.Text;
using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Plots;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Bench.Commands;

/// <summary>
/// <c>sbert-bench training</c>: the paper's training experiments on the data and encoders available here, each with
/// before/after figures, throughput, and a PNG of loss and dev metric per step; writes docs/training.md.
/// </summary>
public static class BenchTrainingCommand
{
    private static readonly Option<string[]?> Experiments = CliOptions.List("--experiments", "comma list (default: all)", "stsb", "nli", "triplet", "throughput", "memory");
    private static readonly Option<int> Epochs = CliOptions.Int("--epochs", "epochs of the STSb run (the others run 1, as the paper's NLI training)", 4);
    private static readonly Option<int?> MaxExamples = CliOptions.OptionalInt("--max-examples", "cap each training set (quick runs)");
    private static readonly Option<string?> Data = CliOptions.Data();
    private static readonly Option<string?> Output = BenchmarkInputs.ReportOption("training.md");
    private static readonly Option<bool> Json = CliOptions.Json();

    public static Command Create() => new Command("training", "the paper's training experiments (STSb regression, NLI softmax, SNLI triplets), throughput and memory; writes docs/training.md")
    {
        Experiments, Epochs, MaxExamples, Data, Output, Json,
    }.SetRun((r, ct) => Run(r, ct, Console.Out, Console.Error));

    private const string Model = "default";

    /// <summary>The per-CPU rows of an earlier throughput section (table rows below its header), or none.</summary>
    private static IEnumerable<string> ThroughputRows(string? section) => section is null ? [] : section.Split('\n')
        .Select(l => l.TrimEnd()).Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| CPU |", StringComparison.Ordinal) && l.Count(c => c == '|') == 8);

    private static int Run(ParseResult args, CancellationToken cancellationToken, TextWriter output, TextWriter log)
    {
        var experiments = args.GetList(Experiments) ?? ["stsb", "nli", "triplet", "throughput", "memory"];
        int epochs = args.GetValue(Epochs);
        int? max = args.GetValue(MaxExamples);
        var data = BenchmarkInputs.DataFolders(args.GetValue(Data), "stsb", "snli", "sick");
        string? report = BenchmarkInputs.ReportPath(args.GetValue(Output), "training.md");
        bool json = args.GetValue(Json);
        var summary = new System.Text.Json.Nodes.JsonObject();
        string plotDir = Path.GetDirectoryName(report ?? Path.GetFullPath("training.md"))!;
        string command = $"dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench -- training --experiments {{0}}{{1}}" + (max is int m ? $" --max-examples {m}" : "");

        var stsbTest = new EmbeddingSimilarityEvaluator(StsBenchmarkReader.Read(data.File("stsb", "sts-test.csv")));
        var stsbDev = new EmbeddingSimilarityEvaluator(StsBenchmarkReader.Read(data.File("stsb", "sts-dev.csv")));
        List<TrainingExample> Cap(List<TrainingExample> xs) => max is int n ? xs.Take(n).ToList() : xs;
        void Section(string name, StringBuilder body)
        {
            output.WriteLine();
            output.Write(body);
            if (report is not null) MarkdownReport.WriteSection(report, $"bench-training-{name}", "Training", body.ToString());
        }
        StringBuilder Header(string title, string experiment, TrainingResult r, int examples)
        {
            summary[experiment] = new System.Text.Json.Nodes.JsonObject
            {
                ["examples"] = examples, ["steps"] = r.Steps.Count, ["examples_per_second"] = Math.Round(r.ExamplesPerSecond, 2),
                ["final_loss"] = r.Steps.Count > 0 ? Math.Round(r.Steps[^1].Loss, 6) : null, ["best_step"] = r.BestStep,
            };
            var md = new StringBuilder();
            md.AppendLine($"## {title}");
            md.AppendLine();
            md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
            // --epochs sets the STSb run only (the others run 1 epoch), so only its section names it.
            md.AppendLine($"Command: `{string.Format(command, experiment, experiment == "stsb" ? $" --epochs {epochs}" : "")}`");
            md.AppendLine();
            md.AppendLine($"{Model} (all-MiniLM-L6-v2), {examples:N0} training examples, batch 16, AdamW lr 2e-5 with 10% linear warm-up, " +
                          $"fp32; {r.Steps.Count} steps at {r.ExamplesPerSecond:F1} examples/s (each example is 2 or 3 sentences through the encoder).");
            md.AppendLine();
            return md;
        }

        if (experiments.Contains("stsb"))
        {
            var train = Cap(TrainingData.Examples(data.File("stsb", "sts-train.csv"), "stsb", TrainingObjective.Regression).Examples);
            using var encoder = SentenceEncoder.Load(Model);
            double before = 100 * stsbTest.Evaluate(encoder)["spearman_cosine"];
            var options = Options(output, epochs);
            options.Evaluator = stsbDev;
            options.EvaluationSteps = Math.Max(1, train.Count / 16 / 2);
            var result = new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(train);
            double after = 100 * stsbTest.Evaluate(encoder)["spearman_cosine"];
            string png = Path.Combine(plotDir, "training-stsb-regression.png");
            TrainingPlot.Save(png, "all-MiniLM-L6-v2, regression objective on STSb train", result, "Spearman");
            var md = Header($"Regression objective on STSb ({epochs} epochs)", "stsb", result, train.Count);
            md.AppendLine("| STSb test, Spearman of cosine x100 | value |");
            md.AppendLine("|---|---:|");
            md.AppendLine($"| before fine-tuning | {before:F2} |");
            md.AppendLine($"| after (weights of the best dev evaluation, step {result.BestStep}) | {after:F2} |");
            md.AppendLine($"| paper, SBERT-STSb-base: BERT-base trained on STSb only (Table 2) | 84.67 |");
            md.AppendLine();
            md.AppendLine($"![loss and dev Spearman per step]({Path.GetFileName(png)})");
            Section("stsb", md);
        }

        if (experiments.Contains("nli"))
        {
            var nli = TrainingData.Examples(data.File("snli", "s1.dev"), "snli", TrainingObjective.Softmax).Examples
                .Concat(TrainingData.Examples(data.File("sick", "SICK_train.txt"), "sick", TrainingObjective.Softmax).Examples).ToList();
            var train = Cap(nli);
            var test = SnliReader.Read(data.File("snli", "s1.test"));
            var md = new StringBuilder();
            TrainingResult? first = null;
            foreach (var (slug, title, normalize) in new[]
            {
                ("", "vectors L2-normalised, as all-MiniLM-L6-v2 ships", (bool?)null),
                ("-raw", "vectors not normalised (the paper's condition: BERT's pooled output goes straight into the objective)", false),
            })
            {
                using var encoder = SentenceEncoder.Load(Model, new SentenceEncoderOptions { Normalize = normalize });
                double stsBefore = 100 * stsbTest.Evaluate(encoder)["spearman_cosine"];
                // The first run trains on the vectors as the model ships them (normalised); the loss's default would strip Normalize.
                using var loss = new SoftmaxLoss(encoder.Dimension, 3, beforeNormalize: normalize is not null);
                double headBefore = HeadAccuracy(encoder, loss, test);
                var result = new SiameseTrainer(encoder, loss, Options(output, 1)).Train(train);
                double headAfter = HeadAccuracy(encoder, loss, test);
                double stsAfter = 100 * stsbTest.Evaluate(encoder)["spearman_cosine"];
                string png = Path.Combine(plotDir, $"training-nli-softmax{slug}.png");
                TrainingPlot.Save(png, $"all-MiniLM-L6-v2, softmax objective on SNLI dev + SICK-E train{(slug == "" ? "" : ", not normalised")}", result, "");
                if (first is null) md = Header("Softmax objective on SNLI dev + SICK-E train (1 epoch)", "nli", first = result, train.Count);
                md.AppendLine($"### {char.ToUpperInvariant(title[0])}{title[1..]}");
                md.AppendLine();
                md.AppendLine("| figure | before | after |");
                md.AppendLine("|---|---:|---:|");
                md.AppendLine($"| SNLI test accuracy of the classifier head softmax(W [u; v; abs(u-v)]), % | {headBefore:F2} (untrained head) | {headAfter:F2} |");
                md.AppendLine($"| STSb test Spearman of cosine x100 | {stsBefore:F2} | {stsAfter:F2} |");
                md.AppendLine();
                md.AppendLine($"{result.Steps.Count} steps at {result.ExamplesPerSecond:F1} pairs/s. ![loss per step]({Path.GetFileName(png)})");
                md.AppendLine();
            }
            Section("nli", md);
        }

        if (experiments.Contains("triplet"))
        {
            var dev = SnliReader.Triplets(SnliReader.Read(data.File("snli", "s1.dev")));
            var train = Cap(dev.Select(t => TrainingExample.Triplet(t.Anchor, t.Positive, t.Negative)).ToList());
            var test = new TripletEvaluator(SnliReader.Triplets(SnliReader.Read(data.File("snli", "s1.test"))));
            var md = new StringBuilder();
            bool headed = false;
            foreach (var (slug, title, normalize, makeLoss) in new (string, string, bool?, Func<ISentenceLoss>)[]
            {
                ("", "Triplet objective, Euclidean, margin 1 (paper), on L2-normalised vectors as the model ships", null, () => new TripletLoss(beforeNormalize: false)),
                ("-raw", "Triplet objective, Euclidean, margin 1 (paper), vectors not normalised (the paper's condition)", false, () => new TripletLoss()),
                ("-mnrl", "MultipleNegativesRankingLoss (in-batch negatives + the contradiction as hard negative, scale 20), L2-normalised", null, () => new MultipleNegativesRankingLoss(withHardNegative: true)),
            })
            {
                using var encoder = SentenceEncoder.Load(Model, new SentenceEncoderOptions { Normalize = normalize });
                var before = test.Evaluate(encoder);
                var result = new SiameseTrainer(encoder, makeLoss(), Options(output, 1)).Train(train);
                var after = test.Evaluate(encoder);
                string png = Path.Combine(plotDir, $"training-snli-triplet{slug}.png");
                TrainingPlot.Save(png, $"all-MiniLM-L6-v2, SNLI dev triplets{(slug == "" ? "" : ", " + slug[1..])}", result, "");
                if (!headed)
                {
                    md = Header("Triplet objective on SNLI dev triplets (1 epoch)", "triplet", result, train.Count);
                    md.AppendLine($"Test: {before["n"]:N0} SNLI test triplets (premise, entailment, contradiction); accuracy = share with d(a, p) < d(a, n), Euclidean on the vectors the encoder outputs.");
                    md.AppendLine();
                    md.AppendLine("| run | accuracy before, % | after, % | examples/s | loss curve |");
                    md.AppendLine("|---|---:|---:|---:|---|");
                    headed = true;
                }
                md.AppendLine($"| {title} | {100 * before["accuracy"]:F2} | {100 * after["accuracy"]:F2} | {result.ExamplesPerSecond:F1} | [{Path.GetFileName(png)}]({Path.GetFileName(png)}) |");
            }
            md.AppendLine();
            Section("triplet", md);
        }

        if (experiments.Contains("throughput"))
        {
            // Same pairs, same steps, fp32 vs bf16 autocast; the first 5 steps warm the allocator and are not timed.
            const int steps = 65, warm = 5;
            var pool = TrainingData.Examples(data.File("stsb", "sts-train.csv"), "stsb", TrainingObjective.Regression).Examples;
            var train = pool.Take(steps * SiameseTrainingOptions.PaperBatchSize).ToList();
            // Freed memory returned to the kernel first: keeping it is process-wide and cannot be undone, so the two
            // settings run in this order (not interleaved) in one process.
            var rates = new List<(bool Keep, double Fp32, double Bf16)>();
            foreach (bool keep in new[] { false, true })
            {
                var pair = new List<double>();
                foreach (var precision in new[] { Precision.Float32, Precision.BFloat16 })
                {
                    using var encoder = SentenceEncoder.Load(Model, new SentenceEncoderOptions { KeepFreedMemory = keep });
                    var clock = new System.Diagnostics.Stopwatch();
                    var options = Options(output, 1);
                    options.Precision = precision;
                    options.Shuffle = false;
                    options.Progress = new SynchronousProgress<TrainingProgress>(p => { if (p.Step == warm) clock.Start(); });
                    new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(train);
                    clock.Stop();
                    pair.Add((steps - warm) * SiameseTrainingOptions.PaperBatchSize / clock.Elapsed.TotalSeconds);
                }
                rates.Add((keep, pair[0], pair[1]));
            }
            // Rows per CPU: bf16 pays on one processor and loses on another, so a rerun on a new machine adds its
            // rows and replaces only its own (the issue asks for every CPU met).
            string cpu = MachineInfo.Cpu();
            var rows = report is null ? [] : ThroughputRows(MarkdownReport.ReadSection(report, "bench-training-throughput")).Where(r => !r.StartsWith($"| {cpu} |", StringComparison.Ordinal)).ToList();
            double probe = MatmulProbe.BFloat16VsFloat32();
            foreach (var (keep, fp32, bf16) in rates)
                rows.Add($"| {cpu} | {MachineInfo.Today} | {(keep ? "kept in the heap" : "returned to the kernel")} | {fp32:F1} | {bf16:F1} | {bf16 / fp32:F2}x | {probe:F2}x |");
            var md = new StringBuilder();
            md.AppendLine("## Training throughput, fp32 vs bf16 autocast");
            md.AppendLine();
            md.AppendLine($"Measured on each CPU met (latest: {MachineInfo.Today} on {MachineInfo.Describe()}).");
            md.AppendLine($"Command: `{string.Format(command, "throughput", "")}`");
            md.AppendLine();
            md.AppendLine($"Regression objective, {steps - warm} timed steps of batch 16 on STSb train pairs (after {warm} warm-up steps), all cores. " +
                          "bf16 = libtorch's CPU autocast around the forward pass (matrix products in bfloat16; weights, gradients and AdamW in float32). " +
                          "Freed memory: what glibc does with the buffers libtorch frees each step (EncoderOptions.KeepFreedMemory, default kept since 2026-12-02; " +
                          "rows measured before that date ran with it returned). The two settings run in that order in one process, not interleaved. " +
                          "The last column is MatmulProbe's bf16 vs fp32 matrix product, the probe the library uses to pick a precision.");
            md.AppendLine();
            md.AppendLine("| CPU | date | freed memory | fp32 pairs/s | bf16 pairs/s | bf16 vs fp32 | matmul bf16 vs fp32 |");
            md.AppendLine("|---|---|---|---:|---:|---:|---:|");
            foreach (var row in rows) md.AppendLine(row);
            md.AppendLine();
            Section("throughput", md);
        }

        if (experiments.Contains("memory"))
        {
            const int steps = 2000, every = 100;
            var pool = TrainingData.Examples(data.File("stsb", "sts-train.csv"), "stsb", TrainingObjective.Regression).Examples;
            var train = Enumerable.Range(0, steps * SiameseTrainingOptions.PaperBatchSize).Select(i => pool[i % pool.Count]).ToList();
            using var encoder = SentenceEncoder.Load(Model);
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var samples = new List<(int Step, double RssMb)>();
            var options = Options(output, 1);
            options.Progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Step % every != 0) return;
                process.Refresh();
                samples.Add((p.Step, process.WorkingSet64 / (1024.0 * 1024)));
            });
            var result = new SiameseTrainer(encoder, new CosineSimilarityLoss(), options).Train(train);
            var after = samples.Skip(1).ToList();
            var md = Header($"Resident memory over {steps:N0} training steps", "memory", result, train.Count);
            md.AppendLine($"Regression objective on STSb train pairs (cycled). Resident memory at step {samples[0].Step}: {samples[0].RssMb:F0} MB; " +
                          $"from step {after[0].Step} on: min {after.Min(x => x.RssMb):F0} MB, max {after.Max(x => x.RssMb):F0} MB, at the end {samples[^1].RssMb:F0} MB.");
            md.AppendLine();
            md.AppendLine("| step | RSS (MB) |");
            md.AppendLine("|---:|---:|");
            foreach (var (step, rss) in samples.Where((_, i) => i % 2 == 1 || i == 0)) md.AppendLine($"| {step:N0} | {rss:F0} |");
            Section("memory", md);
        }
        if (report is not null) output.WriteLine($"\nwrote {report}");
        if (json) output.WriteLine(new System.Text.Json.Nodes.JsonObject { ["experiments"] = summary, ["report"] = report }.ToJsonString());
        return 0;
    }

    private static SiameseTrainingOptions Options(TextWriter output, int epochs) => new() { Epochs = epochs, Log = output.WriteLine };

    /// <summary>Accuracy (%) of the softmax head on labelled pairs (argmax of W [u; v; |u−v|]).</summary>
    private static double HeadAccuracy(SentenceEncoder encoder, SoftmaxLoss loss, List<LabeledPair> pairs)
    {
        string[] labels = { "entailment", "neutral", "contradiction" };
        using var u = encoder.EncodeToTensor(pairs.Select(p => (string?)p.Sentence1).ToList());
        using var v = encoder.EncodeToTensor(pairs.Select(p => (string?)p.Sentence2).ToList());
        using var noGrad = no_grad();
        loss.eval();
        using var logits = loss.Logits(u, v);
        using var predicted = logits.argmax(1);
        var p = predicted.data<long>().ToArray();
        return 100.0 * pairs.Where((x, i) => labels[p[i]] == x.Label).Count() / pairs.Count;
    }
}
