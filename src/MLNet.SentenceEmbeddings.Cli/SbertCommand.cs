using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Commands;

namespace MLNet.SentenceEmbeddings.Cli;

/// <summary>The <c>sbert</c> command tree: every user command, each defined once with its options.</summary>
public static class SbertCommand
{
    /// <summary>Printed after the root help: conventions every command follows.</summary>
    public const string Conventions =
        "Output:\n" +
        "  Results go to standard output (with --json: one JSON object as the last line); messages and progress go to\n" +
        "  standard error, as a bar on a terminal and as plain lines when standard error is redirected.\n" +
        "\nExit codes:\n" +
        "    0  success\n" +
        "    1  failure while running (a missing or malformed file, a model that does not load); the message is on stderr\n" +
        "    2  usage error (unknown command or option, missing or invalid value); the command's help follows the message\n" +
        "  130  cancelled (Ctrl+C, SIGINT or SIGTERM): stopped between batches, unfinished output removed\n" +
        "\nShell completion: install dotnet-suggest (dotnet tool install -g dotnet-suggest) and add its shim to your shell.\n" +
        "Data: the folder named by $SBERT_DATA_DIR, or ../shared/data beside the repository.\n" +
        "Docs: docs/getting-started.md, docs/training.md, docs/evaluation.md, docs/performance.md.\n";

    public static RootCommand Create()
    {
        var eval = new Command("eval", "evaluate an encoder: STS correlation, triplet accuracy, SentEval transfer tasks, retrieval")
        {
            EvalStsCommand.Create(), EvalTripletCommand.Create(), EvalSentEvalCommand.Create(), EvalRetrievalCommand.Create(),
        };
        return new RootCommand("sbert: Sentence-BERT sentence embeddings for .NET")
        {
            EmbedCommand.Create(), SearchCommand.Create(), MineCommand.Create(), SimilarityCommand.Create(), RerankCommand.Create(), SilverCommand.Create(),
            TrainCommand.Create(), SoupCommand.Create(), eval, ExportCommand.Create(), ReproduceCommand.Create(), DataCommand.Create(), MergeCommand.Create(),
        };
    }
}
