using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>What every benchmark command reads: the data folder, the report to update, and the STSb sentences.</summary>
public static class BenchmarkInputs
{
    public const string Help =
        "  --data DIR         data folder (default: $SBERT_DATA_DIR or ../shared/data)\n" +
        "  --output FILE      Markdown to update (default: docs/benchmarks.md in the repository)\n";

    /// <summary><see cref="Help"/> for a command whose report is docs/<paramref name="file"/>.</summary>
    public static string HelpFor(string file) => Help.Replace("docs/benchmarks.md", "docs/" + file);

    public static string DataFolder(ArgumentReader args) => args.Optional("data") ?? SharedData.Find();

    public static string? ReportPath(ArgumentReader args, string file = "benchmarks.md") =>
        args.Optional("output") ?? (MarkdownReport.FindRepositoryRoot() is string root ? Path.Combine(root, "docs", file) : null);

    /// <summary>The unique sentences of STSb train, dev and test, in file order (the paper's 10k-sentence pool).</summary>
    public static List<string> UniqueStsbSentences(string data) =>
        StsBenchmarkReader.UniqueSentences(new[] { "sts-train.csv", "sts-dev.csv", "sts-test.csv" }
            .SelectMany(f => StsBenchmarkReader.Read(Path.Combine(data, "stsb", f))));
}
