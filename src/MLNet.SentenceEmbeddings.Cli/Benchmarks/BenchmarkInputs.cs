using System.CommandLine;
using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>What every benchmark reads: the data folder, the report to update, and the STSb sentences.</summary>
public static class BenchmarkInputs
{
    /// <summary><c>--output</c>: the Markdown report a benchmark updates, docs/<paramref name="file"/> of the repository by default.</summary>
    public static Option<string?> ReportOption(string file) =>
        new("--output") { Description = $"Markdown to update (default: docs/{file} in the repository)" };

    /// <summary>The report: <paramref name="given"/>, else docs/<paramref name="file"/> in the repository above the working directory, else null.</summary>
    public static string? ReportPath(string? given, string file) =>
        given ?? (MarkdownReport.FindRepositoryRoot() is string root ? Path.Combine(root, "docs", file) : null);

    /// <summary><paramref name="given"/>, else $SBERT_DATA_DIR or ../shared/data.</summary>
    public static string DataFolder(string? given) => given ?? SharedData.Find();

    /// <summary>The unique sentences of STSb train, dev and test, in file order (the paper's 10k-sentence pool).</summary>
    public static List<string> UniqueStsbSentences(string data) =>
        StsBenchmarkReader.UniqueSentences(new[] { "sts-train.csv", "sts-dev.csv", "sts-test.csv" }
            .SelectMany(f => StsBenchmarkReader.Read(Path.Combine(data, "stsb", f))));
}
