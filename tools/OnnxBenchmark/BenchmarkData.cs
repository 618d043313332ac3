using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings.OnnxBenchmark;

/// <summary>The STSb sentences and scoring every command uses, and where the report goes.</summary>
public static class BenchmarkData
{
    public static string DataFolder(BenchArgs args) => args.Optional("data") ?? SharedData.Find();

    public static string ReportPath(BenchArgs args) =>
        args.Optional("output") ?? Path.Combine(MarkdownReport.FindRepositoryRoot() ?? ".", "docs", "onnx.md");

    /// <summary>The unique sentences of STSb train, dev and test in file order (15.5k; SBERT's Table 7 takes the first 10k).</summary>
    public static List<string?> UniqueStsbSentences(string data) =>
        StsBenchmarkReader.UniqueSentences(new[] { "sts-train.csv", "sts-dev.csv", "sts-test.csv" }
            .SelectMany(f => StsBenchmarkReader.Read(Path.Combine(data, "stsb", f)))).ToList<string?>();

    public static List<SentencePair> StsbTest(string data) => StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv"));

    /// <summary>Spearman correlation x 100 between cosine similarity and the gold scores.</summary>
    public static double SpearmanCosine(Func<IReadOnlyList<string?>, float[][]> encode, IReadOnlyList<SentencePair> pairs)
    {
        var a = encode(pairs.Select(p => (string?)p.Sentence1).ToList());
        var b = encode(pairs.Select(p => (string?)p.Sentence2).ToList());
        var cos = Enumerable.Range(0, pairs.Count).Select(i => (double)VectorMath.Cosine(a[i], b[i])).ToList();
        return 100 * Correlation.Spearman(cos, pairs.Select(p => p.Score).ToList());
    }

    /// <summary>Lowest and mean per-sentence cosine between two encoders' vectors.</summary>
    public static (double Min, double Mean) Agreement(float[][] reference, float[][] other)
    {
        var c = Enumerable.Range(0, reference.Length).Select(i => (double)VectorMath.Cosine(reference[i], other[i])).ToList();
        return (c.Min(), c.Average());
    }

    /// <summary>One line on how busy the machine was (1-minute load average / cores).</summary>
    public static string Load()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"load average {parts[0]} / {parts[1]} / {parts[2]} (1/5/15 min) on {Environment.ProcessorCount} cores";
        }
        catch (IOException) { return "load average unknown"; }
    }
}
