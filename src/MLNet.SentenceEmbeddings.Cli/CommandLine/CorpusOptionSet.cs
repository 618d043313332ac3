using System.CommandLine;
using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Cli.CommandLine;

/// <summary>Where the text is in a corpus file (<c>--column</c>, <c>--field</c>, <c>--header</c>), bound onto <see cref="CorpusReaderOptions"/>.</summary>
public sealed class CorpusOptionSet
{
    public Option<string?> Column { get; } = new("--column")
    {
        Description = "the text column of a .tsv/.csv/.parquet: a header name, or a 0-based index (default: the first; for .parquet the only string column)",
    };

    public Option<string> Field { get; } = new("--field") { Description = "the text field of each .jsonl object", DefaultValueFactory = _ => CorpusReaderOptions.DefaultJsonField };

    public Option<bool> Header { get; } = new("--header") { Description = "the first .tsv/.csv line is a header even though --column is an index" };

    public Command AddTo(Command command)
    {
        command.Options.Add(Column);
        command.Options.Add(Field);
        command.Options.Add(Header);
        return command;
    }

    public CorpusReaderOptions Bind(ParseResult result) => new()
    {
        Column = result.GetValue(Column), Field = result.GetValue(Field)!, HasHeader = result.GetValue(Header) ? true : null,
    };

    /// <summary>Checks that <paramref name="path"/> exists and has a corpus extension; a usage error naming <paramref name="option"/> otherwise.</summary>
    public static void Check(string path, string option)
    {
        if (!File.Exists(path)) throw new UsageException($"{option}: file not found: {path}");
        try { CorpusFormats.FromPath(path); }
        catch (ArgumentException e) { throw new UsageException($"{option}: {e.Message}"); }
    }
}
