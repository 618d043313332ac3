using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace MLNet.SentenceEmbeddings.Cli.CommandLine;

/// <summary>
/// Runs a command tree with the house conventions: exit code 0 on success, 1 for a failure while running (message on
/// standard error), 2 for a usage error (message and the command's help on standard error), 130 when cancelled by
/// Ctrl+C / SIGINT / SIGTERM (the command stops between batches and removes what it had not finished writing).
/// </summary>
public static class CliRunner
{
    public const int Success = 0, Failure = 1, UsageError = 2, Cancelled = 130;

    // How long a cancelled command may take to stop: a batch in flight finishes and temporary files are removed.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Sets the action of <paramref name="command"/>: <paramref name="run"/> on a worker thread, cancelled by the signals above.</summary>
    public static TCommand SetRun<TCommand>(this TCommand command, Func<ParseResult, CancellationToken, int> run) where TCommand : Command
    {
        // Asynchronous, so that System.CommandLine hands the action its termination token.
        command.SetAction((result, token) => Task.Run(() => run(result, token), CancellationToken.None));
        return command;
    }

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the chosen command.</summary>
    /// <param name="epilogue">Text printed after the root command's help (conventions shared by every command).</param>
    public static int Run(RootCommand root, string[] args, string epilogue)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: HelpAction help } helpOption)
            helpOption.Action = new HelpWithEpilogue(help, epilogue);
        var result = root.Parse(args);
        var error = Console.Error;
        if (result.Errors.Count > 0 && result.Action is ParseErrorAction)
        {
            foreach (var e in result.Errors) error.WriteLine($"sbert: {e.Message}");
            error.WriteLine();
            WriteHelp(result, error);
            return UsageError;
        }
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = StopTimeout };
        try
        {
            return result.InvokeAsync(configuration).GetAwaiter().GetResult();
        }
        catch (UsageException e)
        {
            error.WriteLine($"sbert: {e.Message}\n");
            WriteHelp(result, error);
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("sbert: cancelled");
            return Cancelled;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
                                      or InvalidOperationException or NotSupportedException)
        {
            error.WriteLine($"sbert: {e.Message}");
            return Failure;
        }
    }

    /// <summary>The help of the command <paramref name="result"/> chose, as <c>--help</c> prints it, on <paramref name="writer"/>.</summary>
    public static void WriteHelp(ParseResult result, TextWriter writer)
    {
        // System.CommandLine's help builder is internal: parse "COMMAND --help" and run it with the output redirected.
        var path = new List<string>();
        for (var r = result.CommandResult; r.Parent is CommandResult parent; r = parent) path.Insert(0, r.Command.Name);
        path.Add("--help");
        result.RootCommandResult.Command.Parse(path).Invoke(new InvocationConfiguration { Output = writer });
    }

    private sealed class HelpWithEpilogue(HelpAction inner, string epilogue) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = inner.Invoke(parseResult);
            if (parseResult.CommandResult.Command is RootCommand) parseResult.InvocationConfiguration.Output.Write(epilogue);
            return code;
        }
    }
}
