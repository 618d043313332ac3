using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Onnx;

namespace MLNet.SentenceEmbeddings.OnnxBenchmark;

/// <summary>
/// Which int8 form ONNX Runtime runs fastest here: the contrib DynamicQuantizeMatMul against standard
/// DynamicQuantizeLinear/MatMulInteger, per-channel against per-tensor weights, 7-bit weights, quantized attention
/// products. Same model (all-MiniLM-L6-v2), threads and batching; interleaved rounds; agreement with fp32.
/// </summary>
public static class KernelComparison
{
    private sealed record Variant(string Name, string What, OnnxPrecision Precision, Int8Settings? Int8);

    private static readonly Variant[] Variants =
    {
        new("fp32", "float32 graph (standard ops)", OnnxPrecision.Float32, null),
        new("int8 (default)", "QAttention (contrib) for each self-attention, DynamicQuantizeLinear + MatMulInteger + Cast + Mul (standard ops) for the other products, per-channel weights", OnnxPrecision.Int8, new Int8Settings(FusedAttention: true)),
        new("int8-standard", "standard ops only (StandardOperatorsOnly): DynamicQuantizeLinear + MatMulInteger + Cast + Mul, per-channel weights", OnnxPrecision.Int8, new Int8Settings()),
        new("int8-dqmm", "standard-op attention, DynamicQuantizeMatMul (contrib) products, per-channel weights, bias folded", OnnxPrecision.Int8, new Int8Settings(Kernel: Int8Kernel.DynamicQuantizeMatMul)),
        new("int8-qkv", "standard ops only, query/key/value as one (H, 3H) product + Split", OnnxPrecision.Int8, new Int8Settings(MergeProjections: true)),
        new("int8-tensor", "standard ops only, one scale per weight matrix", OnnxPrecision.Int8, new Int8Settings(PerChannel: false)),
        new("int8-7bit", "default with per-channel 7-bit weights (ReduceRange, for AVX2 without VNNI)", OnnxPrecision.Int8, new Int8Settings(FusedAttention: true, ReduceRange: true)),
        new("int8+attention", "standard ops only, plus Q·K and P·V as uint8 MatMulInteger", OnnxPrecision.Int8, new Int8Settings(QuantizeAttention: true)),
        new("fp32-attention", "float32 with the contrib Attention operator", OnnxPrecision.Float32, new Int8Settings(FusedAttention: true)),
        new("fp32-mha", "float32 with the contrib MultiHeadAttention operator for the attention core", OnnxPrecision.Float32, new Int8Settings(MultiHeadAttention: true)),
        new("int8-mha", "standard-op int8 products, contrib MultiHeadAttention for the attention core", OnnxPrecision.Int8, new Int8Settings(MultiHeadAttention: true)),
        new("int8-skipln", "default + residual and LayerNorm as the contrib SkipLayerNormalization", OnnxPrecision.Int8, new Int8Settings(FusedAttention: true, SkipLayerNormalization: true)),
        new("fp32-skipln", "float32, residual + LayerNorm as the contrib SkipLayerNormalization", OnnxPrecision.Float32, new Int8Settings(SkipLayerNormalization: true)),
    };

    public static void Run(BenchArgs args)
    {
        int threads = args.Int("threads", 2), count = args.Int("sentences", 2000), rounds = args.Int("rounds", 3);
        string data = BenchmarkData.DataFolder(args);
        var sentences = BenchmarkData.UniqueStsbSentences(data).Take(count).ToList();
        var test = BenchmarkData.StsbTest(data);
        string loadBefore = BenchmarkData.Load();

        using var torch = SentenceEncoder.Load("default", new SentenceEncoderOptions { Threads = threads });
        var plan = OnnxExportPlan.FromEncoder(torch);
        var options = new SentenceEncoderOptions { Threads = threads, BatchSize = 32 };
        var encoders = new List<(Variant V, OnnxSentenceEncoder E, string Ops, long Bytes)>();
        try
        {
            foreach (var v in Variants)
            {
                var bytes = OnnxFiles.ToBytes(OnnxExporter.Build(plan, new OnnxExportOptions { Precision = v.Precision }, v.Int8));
                string ops = OptimizedGraph.OperatorSummary(bytes);
                Console.WriteLine($"{v.Name}: {bytes.Length / 1e6:F1} MB; after ORT fusion: {ops}");
                encoders.Add((v, OnnxSentenceEncoder.FromBytes(bytes, options, source: v.Name), ops, bytes.Length));
            }
            var reference = encoders[0].E.Encode(sentences);
            var quality = encoders.Select(x =>
            {
                var agreement = BenchmarkData.Agreement(reference, x.E.Encode(sentences));
                double spearman = BenchmarkData.SpearmanCosine(s => x.E.Encode(s), test);
                Console.WriteLine($"{x.V.Name}: cosine to fp32 min {agreement.Min:F4} mean {agreement.Mean:F5}; STSb test Spearman {spearman:F2}");
                return (agreement.Min, agreement.Mean, Spearman: spearman);
            }).ToList();
            foreach (var x in encoders) x.E.Encode(sentences.Take(256).ToList()); // warm-up
            // Wall time and this process's CPU time, in interleaved rounds. On a shared machine the CPU time (with one
            // intra-op thread, all work runs on the calling thread) ranks the variants when wall time is noise.
            var wall = encoders.ToDictionary(x => x.V.Name, _ => new List<double>());
            var cpu = encoders.ToDictionary(x => x.V.Name, _ => new List<double>());
            for (int r = 0; r < rounds; r++)
            {
                foreach (var x in encoders)
                {
                    var process = System.Diagnostics.Process.GetCurrentProcess();
                    var cpuBefore = process.TotalProcessorTime;
                    var sw = System.Diagnostics.Stopwatch.StartNew();
                    x.E.Encode(sentences);
                    wall[x.V.Name].Add(sw.Elapsed.TotalSeconds);
                    process.Refresh();
                    cpu[x.V.Name].Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
                    Console.WriteLine($"round {r + 1}/{rounds}: {x.V.Name,-22} {sentences.Count / wall[x.V.Name][^1],8:F1} sentences/s wall, {sentences.Count / cpu[x.V.Name][^1],8:F1} per CPU-second");
                }
            }
            var seconds = wall.ToDictionary(kv => kv.Key, kv => Throughput.Median(kv.Value));
            var cpuSeconds = cpu.ToDictionary(kv => kv.Key, kv => Throughput.Median(kv.Value));
            double fp32Rate = sentences.Count / seconds["fp32"], fp32CpuRate = sentences.Count / cpuSeconds["fp32"];

            var md = new StringBuilder();
            md.AppendLine($"Generated by `dotnet run -c Release --project tools/OnnxBenchmark -- kernels --threads {threads} --sentences {count} --rounds {rounds}` on {MachineInfo.Today}.");
            md.AppendLine($"Machine: {MachineInfo.Describe()}; {loadBefore} at the start, {BenchmarkData.Load()} at the end.");
            md.AppendLine();
            md.AppendLine($"all-MiniLM-L6-v2, the first {sentences.Count} unique STSb sentences, batch 32 length-sorted, {threads} intra-op threads, ONNX Runtime {OrtVersion()}, ORT_ENABLE_ALL; median of {rounds} interleaved rounds. Cosine: per sentence against the fp32 graph; Spearman: STSb test, cosine x 100.");
            md.AppendLine();
            md.AppendLine("| variant | what | file MB | sentences/s (wall) | vs fp32 | sentences per CPU-second | vs fp32 | cosine min | cosine mean | STSb Spearman | operators after ORT fusion |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            for (int i = 0; i < encoders.Count; i++)
            {
                var (v, _, ops, bytes) = encoders[i];
                double rate = sentences.Count / seconds[v.Name], cpuRate = sentences.Count / cpuSeconds[v.Name];
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {v.Name} | {v.What} | {bytes / 1e6:F1} | {rate:F0} | {rate / fp32Rate:F2}x | {cpuRate:F0} | {cpuRate / fp32CpuRate:F2}x | {quality[i].Min:F4} | {quality[i].Mean:F5} | {quality[i].Spearman:F2} | {ops} |"));
            }
            string report = BenchmarkData.ReportPath(args);
            MarkdownReport.WriteSection(report, "onnx-int8-kernels", "ONNX export", md.ToString());
            Console.WriteLine($"wrote the onnx-int8-kernels section of {report}");
        }
        finally
        {
            foreach (var x in encoders) x.E.Dispose();
        }
    }

    public static string OrtVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3) ?? "?";
}
