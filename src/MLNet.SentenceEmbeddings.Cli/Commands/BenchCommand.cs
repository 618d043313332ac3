using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary><c>bench</c>: the measurements that write this repository's docs/.</summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "measurements that write this repository's docs/")
    {
        BenchEncoderCommand.Create(), BenchMemoryCommand.Create(), BenchTransformCommand.Create(), BenchTrainingCommand.Create(),
        BenchEfficiencyCommand.Create(), BenchCrossEncoderCommand.Create(), BenchPlotsCommand.Create(), BenchSentEvalCommand.Create(),
        ReproduceCommand.Create("reproduction", "sbert reproduce writing docs/reproduction.md, with Table 2's encoder in artifacts/reproduction",
            () =>
            {
                string root = MarkdownReport.FindRepositoryRoot() ?? throw new CommandLine.UsageException("not in a repository: run from the repository or give --output and --artifacts.");
                return new ReproduceCommand.Defaults(Path.Combine(root, "docs", "reproduction.md"), Path.Combine(root, "artifacts", "reproduction"),
                    "dotnet run -c Release --project src/MLNet.SentenceEmbeddings.Cli -- bench reproduction --tables {0}");
            }),
    };
}
