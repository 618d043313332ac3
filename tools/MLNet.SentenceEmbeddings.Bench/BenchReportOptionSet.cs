using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Commands;

namespace MLNet.SentenceEmbeddings.Bench;

/// <summary>
/// The options every <c>sbert-bench</c> command shares: <c>--data</c> (the data folder), <c>--output</c> (the Markdown
/// report it updates, docs/FILE of the repository by default) and <c>--json</c>, added after the command's own.
/// </summary>
public sealed class BenchReportOptionSet
{
    private readonly string _file;
    private readonly bool _json;

    /// <param name="file">The report under docs/ (e.g. benchmarks.md).</param>
    /// <param name="json">false for a command that prints no JSON summary.</param>
    public BenchReportOptionSet(string file, bool json = true)
    {
        _file = file;
        _json = json;
        Output = BenchmarkInputs.ReportOption(file);
    }

    public Option<string?> Data { get; } = CliOptions.Data();

    public Option<string?> Output { get; }

    public Option<bool> Json { get; } = CliOptions.Json();

    /// <summary>Adds the options to <paramref name="command"/> (and returns it, for chaining).</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Output);
        if (_json) command.Options.Add(Json);
        return command;
    }

    /// <summary>The folder holding <c>stsb/</c>: <c>--data</c>, else where <see cref="MLNet.SentenceEmbeddings.DataSets.DataSetLocator"/> finds it.</summary>
    public string StsbRoot(ParseResult result) => BenchmarkInputs.StsbRoot(result.GetValue(Data));

    /// <summary>Each of <paramref name="dataSets"/> found from <c>--data</c>, else by the locator's order.</summary>
    public DataSetFolders DataFolders(ParseResult result, params string[] dataSets) => BenchmarkInputs.DataFolders(result.GetValue(Data), dataSets);

    /// <summary><c>--output</c>, else docs/FILE in the repository above the working directory, else null.</summary>
    public string? ReportPath(ParseResult result) => BenchmarkInputs.ReportPath(result.GetValue(Output), _file);
}
