namespace MLNet.SentenceEmbeddings.Cli.CommandLine;

/// <summary>
/// A usage error found while running (a value that parses but cannot be used, such as a data format that has no examples
/// for the chosen objective): printed with the command's help, exit code 2, like a parse error.
/// </summary>
public sealed class UsageException(string message) : Exception(message);
