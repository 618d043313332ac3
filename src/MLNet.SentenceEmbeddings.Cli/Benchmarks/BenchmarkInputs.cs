using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Commands;
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

    /// <summary>
    /// The folders of <paramref name="dataSets"/> (catalog names): below <paramref name="given"/> (<c>--data</c>), else each
    /// located as <see cref="DataSetFolders"/> does, before the benchmark loads a model. Progress and failures go to stderr.
    /// </summary>
    public static DataSetFolders DataFolders(string? given, params string[] dataSets) =>
        DataSetFolders.Locate(given, dataSets, Console.Error, CancellationToken.None);

    /// <summary>The data root holding STSb (<paramref name="given"/>, else where the stsb data set was found).</summary>
    public static string StsbRoot(string? given) => DataFolders(given, "stsb").Root("stsb");

    /// <summary>The unique sentences of STSb train, dev and test, in file order (the paper's 10k-sentence pool).</summary>
    public static List<string> UniqueStsbSentences(string data) =>
        StsBenchmarkReader.UniqueSentences(new[] { "sts-train.csv", "sts-dev.csv", "sts-test.csv" }
            .SelectMany(f => StsBenchmarkReader.Read(Path.Combine(data, "stsb", f))));
}
