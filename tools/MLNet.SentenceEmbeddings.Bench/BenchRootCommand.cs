using System.CommandLine;
using MLNet.SentenceEmbeddings.Bench.Commands;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Commands;

namespace MLNet.SentenceEmbeddings.Bench;

/// <summary><c>sbert-bench</c>: the measurements that write this repository's docs/, each section with its command, date and machine.</summary>
public static class BenchRootCommand
{
    /// <summary>How the docs name a command of this project.</summary>
    public const string CommandPrefix = "dotnet run -c Release --project tools/MLNet.SentenceEmbeddings.Bench --";

    public const string Conventions =
        "Run from the repository root: each command updates its own generated section of a file in docs/ (--output to\n" +
        "write elsewhere) with the command, the date and the machine. Exit codes as sbert's: 0 ok, 1 failure, 2 usage, 130 cancelled.\n" +
        "Data: the folder named by $SBERT_DATA_DIR, or ../shared/data beside the repository.\n";

    public static RootCommand Create() => new("sbert-bench: measurements that write this repository's docs/")
    {
        BenchEncoderCommand.Create(), BenchMemoryCommand.Create(), BenchTransformCommand.Create(), BenchTrainingCommand.Create(),
        BenchEfficiencyCommand.Create(), BenchCrossEncoderCommand.Create(), BenchPlotsCommand.Create(), BenchSentEvalCommand.Create(),
        BenchCorpusCommand.Create(), BenchSoakCommand.Create(),
        ReproduceCommand.Create("reproduction", "sbert reproduce writing docs/reproduction.md, with the trained encoders in artifacts/reproduction and the figures kept between runs (Table 2's per seed, the objectives' scores) in docs/kept-runs",
            () =>
            {
                string root = MarkdownReport.FindRepositoryRoot()
                    ?? throw new UsageException("not in the repository: run from it, or give --output and --artifacts.");
                return new ReproduceCommand.Defaults(Path.Combine(root, "docs", "reproduction.md"), Path.Combine(root, "artifacts", "reproduction"),
                    CommandPrefix + " reproduction --tables {0}", Path.Combine(root, "docs", "kept-runs"));
            }),
    };
}
