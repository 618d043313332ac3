namespace MLNet.SentenceEmbeddings.Cli;

/// <summary>Help text shared by every command: conventions for output, progress and exit codes.</summary>
public static class CliHelp
{
    public const string Conventions =
        "\nOutput:\n" +
        "  Results go to standard output (with --json: one JSON object as the last line); messages and progress go to\n" +
        "  standard error, as a bar on a terminal and as plain lines when standard error is redirected.\n" +
        "\nExit codes:\n" +
        "  0  success\n" +
        "  1  failure while running (a missing or malformed file, a model that does not load); the message is on stderr\n" +
        "  2  usage error (unknown command or option, missing or invalid value); the command's help follows the message\n" +
        "\nData: ../shared/data beside the repository, or the folder named by $SBERT_DATA_DIR.\n" +
        "Docs: docs/getting-started.md, docs/training.md, docs/evaluation.md, docs/performance.md.\n";
}
