using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// Table 7 of SBERT: sentences/s on the STSb sentences (Section 7), with and without smart batching (length-sorted
/// batches), for this library's encoder in fp32 and bf16 and ONNX Runtime beside it (<see cref="EncoderSpeedVariants"/>,
/// the code of <c>sbert-bench encoder</c>).
/// </summary>
public static class Table7Speed
{
    // SBERT paper, Table 7: sentences/s; CPU Intel i7-5820K, GPU Nvidia Tesla V100 (Section 7).
    private static readonly (string Model, string Cpu, string Gpu)[] Paper =
    {
        ("Avg. GloVe embeddings", "6469", "–"),
        ("InferSent", "137", "1876"),
        ("Universal Sentence Encoder", "67", "1318"),
        ("SBERT-base", "44", "1378"),
        ("SBERT-base, smart batching", "83", "2042"),
    };

    public const int BatchSize = 32;

    /// <summary>The paper's smart-batching rates and gains (SBERT-base, Table 7), for every doc that quotes them.</summary>
    public static string PaperSmartBatching()
    {
        static double Gain(string before, string after) => double.Parse(after, CultureInfo.InvariantCulture) / double.Parse(before, CultureInfo.InvariantCulture) - 1;
        var (plain, sorted) = (Paper[3], Paper[4]);
        return $"paper, Table 7, SBERT-base: {plain.Cpu} -> {sorted.Cpu} sentences/s on CPU ({100 * Gain(plain.Cpu, sorted.Cpu):+0;-0}%), " +
               $"{plain.Gpu} -> {sorted.Gpu} on GPU ({100 * Gain(plain.Gpu, sorted.Gpu):+0;-0}%)";
    }

    public static StringBuilder Run(ReproductionContext ctx)
    {
        int count = ctx.Quick ? 1000 : 10_000, rounds = ctx.Quick ? 1 : 3;
        var sentences = BenchmarkInputs.UniqueStsbSentences(ctx.Data.Root("stsb")).Take(count).ToList<string?>();
        var model = PretrainedModels.AllMiniLmL6V2;
        using var speed = new EncoderSpeedVariants(model, ctx.Threads, BatchSize);
        // Sorted and unsorted in the same interleaved rounds: measured apart, a machine that slowed down between the two
        // phases (a shared VM does) inflated the smart-batching gain (+94% in one full run against +49% alone).
        var rate = EncoderSpeedVariants.Measure(speed.Sorted.Concat(speed.Unsorted).ToList(), sentences, rounds, ctx.Log.WriteLine);

        var md = ctx.Header("Table 7: encoding speed", "7");
        md.AppendLine($"Sentences per second embedding {sentences.Count:N0} unique STSb sentences with {model.Name}, batch {BatchSize}, " +
                      $"{ctx.Threads} threads for both runtimes, CPU only (no GPU here); each row is the median of {rounds} round(s) after a warm-up, all six variants interleaved in every round. " +
                      "\"sorted\" is smart batching (sentences sorted by length, so each batch pads less).");
        md.AppendLine();
        md.AppendLine("| model | CPU sentences/s | GPU sentences/s |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (m, cpu, gpu) in Paper) md.AppendLine($"| paper: {m} | {cpu} | {gpu} |");
        foreach (var (name, r) in rate) md.AppendLine($"| ours: {model.Name}, {name} | {r:F1} | – |");
        md.AppendLine();
        double gain = rate["TorchSharp fp32 (sorted)"] / rate["TorchSharp fp32 (unsorted)"] - 1;
        double paperGain = double.Parse(Paper[4].Cpu) / double.Parse(Paper[3].Cpu) - 1;
        md.AppendLine($"Smart batching gain, TorchSharp fp32: {100 * gain:+0;-0}% (paper, SBERT-base on CPU: {100 * paperGain:+0;-0}%).");
        return md;
    }
}
