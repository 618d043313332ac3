using System.CommandLine;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Cli.Embedding;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>A file of sentence pairs (<c>--pairs</c>, <c>--first</c>, <c>--second</c>, <c>--header</c>), shared by similarity and rerank.</summary>
public sealed class PairOptions
{
    public Option<string?> Pairs { get; } = new("--pairs") { Description = "a file of sentence pairs: .tsv / .csv columns or .jsonl fields named by --first and --second" };
    public Option<string> First { get; } = new("--first") { Description = "the first sentence's column (name or 0-based index) or .jsonl field", DefaultValueFactory = _ => "0" };
    public Option<string> Second { get; } = new("--second") { Description = "the second sentence's column (name or 0-based index) or .jsonl field", DefaultValueFactory = _ => "1" };
    public Option<bool> Header { get; }

    private readonly bool _ownsHeader;

    /// <param name="header">The command's --header when it has one already (rerank's, from its corpus options).</param>
    public PairOptions(Option<bool>? header = null)
    {
        _ownsHeader = header is null;
        Header = header ?? new Option<bool>("--header") { Description = "the first .tsv/.csv line is a header even though the columns are indexes" };
    }

    public Command AddTo(Command command)
    {
        foreach (var o in new Option[] { Pairs, First, Second }) command.Options.Add(o);
        if (_ownsHeader) command.Options.Add(Header);
        return command;
    }

    /// <summary>The pairs of the file named by --pairs, read lazily.</summary>
    public IEnumerable<(long Row, string First, string Second)> Read(ParseResult args, CancellationToken cancellationToken)
    {
        string path = args.GetValue(Pairs)!;
        CorpusOptionSet.Check(path, "--pairs");
        return CorpusTexts.Pairs(path, args.GetValue(First)!, args.GetValue(Second)!, args.GetValue(Header) ? true : null, cancellationToken);
    }

    /// <summary>Windows of <paramref name="size"/> pairs, so that a file of any length is scored with bounded memory.</summary>
    public static IEnumerable<List<(long Row, string First, string Second)>> Windows(IEnumerable<(long Row, string First, string Second)> pairs, int size)
    {
        var window = new List<(long, string, string)>(size);
        foreach (var p in pairs)
        {
            window.Add(p);
            if (window.Count == size) { yield return window; window = new List<(long, string, string)>(size); }
        }
        if (window.Count > 0) yield return window;
    }
}
