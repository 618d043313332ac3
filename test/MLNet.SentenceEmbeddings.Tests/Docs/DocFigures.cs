using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.SentenceEmbeddings.Tests.Docs;

/// <summary>
/// One source per figure: finds the figures written by hand in Markdown prose (decimals, percentages, ratios such as
/// 1.16x) that nothing in their own document sources. Generated sections are the text between "&lt;!-- NAME:start --&gt;"
/// and "&lt;!-- NAME:end --&gt;", which commands write with their date and machine; code blocks, inline code and link
/// targets are not prose. A prose figure of doc X passes when a generated section of X holds it, or holds a longer
/// figure that rounds to it (0.9885 written as 0.989); when a generated section of a doc that the same line links to
/// holds it (the reader is sent to the source); or when the quoted-figures list names it for X (paper figures, versions,
/// thresholds of tests, inputs of examples). Matching per document keeps a number that some other doc's section
/// happens to hold (80.42 there as an NDCG, here as a paper's accuracy) from counting as sourced. A mean and its
/// deviation ("85.50 ± 0.19", also across a line break) are one figure: a section must hold them together, since each
/// number alone is often somewhere in a large table while the pair, a claim about one row, is not.
/// </summary>
public static partial class DocFigures
{
    [GeneratedRegex(@"<!-- ([\w-]+):start -->(.*?)<!-- \1:end -->", RegexOptions.Singleline)]
    private static partial Regex GeneratedSection();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`|\]\([^)\n]*\)")]
    private static partial Regex InlineCodeOrLinkTarget();

    // The target of a Markdown link to another .md file, without its #anchor.
    [GeneratedRegex(@"\]\(([^)#\s]+\.md)(?:#[^)\s]*)?\)")]
    private static partial Regex LinkToDoc();

    // A number not inside a word or a dotted version (1.31.1), with an optional % or x (ratio) after it; a full stop
    // after it ends the sentence, not the number.
    [GeneratedRegex(@"(?<![\w.])(\d+(?:\.\d+)?)(%|x(?!\w))?(?!\w|\.\d)")]
    private static partial Regex Number();

    [GeneratedRegex(@"\d+(?:\.\d+)?")]
    private static partial Regex AnyNumber();

    // A mean and its standard deviation, "85.50 ± 0.19", the ± possibly at a line's end.
    [GeneratedRegex(@"(?<![\w.])(\d+(?:\.\d+)?)\s*±\s*(\d+(?:\.\d+)?)(?!\w|\.\d)")]
    private static partial Regex MeanAndDeviation();

    /// <summary>"file:line: figure (the line)" for every unsourced figure of <paramref name="docs"/> (name -> Markdown).</summary>
    /// <param name="docs">Repository-relative names with '/' ("README.md", "docs/onnx.md") and their Markdown.</param>
    /// <param name="quoted">(doc name, figure as written: "0.107", "10%", "32x") pairs that prose may state without a generated source.</param>
    public static List<string> Unsourced(IReadOnlyDictionary<string, string> docs, IReadOnlySet<(string Doc, string Figure)> quoted)
    {
        var generated = docs.ToDictionary(d => d.Key, d => new GeneratedFigures(d.Value), StringComparer.Ordinal);
        var found = new List<string>();
        foreach (var (name, text) in docs.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            // Blank out what is not prose, keeping line breaks so that line numbers stay right.
            static string Blank(Match m) => new('\n', m.Value.Count(c => c == '\n'));
            string prose = GeneratedSection().Replace(text, Blank);
            prose = CodeBlock().Replace(prose, Blank);
            var lines = prose.Split('\n');
            // Sources of a line: the doc itself, then the docs it links to.
            List<GeneratedFigures> Sources(int line)
            {
                var sources = new List<GeneratedFigures> { generated[name] };
                foreach (Match link in LinkToDoc().Matches(lines[line]))
                    if (generated.TryGetValue(Resolve(name, link.Groups[1].Value), out var linked)) sources.Add(linked);
                return sources;
            }
            string unlinked = InlineCodeOrLinkTarget().Replace(prose, m => new string(' ', m.Length));
            foreach (Match m in MeanAndDeviation().Matches(unlinked))
            {
                int line = unlinked.AsSpan(0, m.Index).Count('\n');
                var (mean, deviation) = (m.Groups[1].Value, m.Groups[2].Value);
                bool quotedPair = quoted.Contains((name, mean)) && quoted.Contains((name, deviation));
                if (!quotedPair && !Sources(line).Any(s => s.HoldsPair(mean, deviation)))
                    found.Add($"{name}:{line + 1}: {mean} ± {deviation} ({lines[line].Trim()})");
            }
            for (int i = 0; i < lines.Length; i++)
            {
                var sources = Sources(i);
                foreach (Match m in Number().Matches(InlineCodeOrLinkTarget().Replace(lines[i], "")))
                {
                    string figure = m.Groups[1].Value;
                    bool isFigure = figure.Contains('.') || m.Groups[2].Success;
                    if (isFigure && !quoted.Contains((name, m.Value)) && !sources.Any(s => s.Holds(figure)))
                        found.Add($"{name}:{i + 1}: {m.Value} ({lines[i].Trim()})");
                }
            }
        }
        return found;
    }

    /// <summary>
    /// The (doc, figure) pairs of a quoted-figures file: each line is "FIGURE DOC [DOC ...]", naming the docs whose prose
    /// may state the figure; '#' starts a comment.
    /// </summary>
    /// <exception cref="InvalidDataException">A line that names no doc.</exception>
    public static HashSet<(string Doc, string Figure)> ReadQuoted(string path)
    {
        var pairs = new HashSet<(string, string)>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) continue;
            if (fields.Length == 1)
                throw new InvalidDataException($"{path}:{number}: '{fields[0]}' names no doc; expected FIGURE DOC [DOC ...] (e.g. 0.107 README.md).");
            foreach (var doc in fields.Skip(1)) pairs.Add((doc, fields[0]));
        }
        return pairs;
    }

    /// <summary>The doc name a link in <paramref name="from"/> points to ("senteval.md" in docs/x.md is docs/senteval.md).</summary>
    internal static string Resolve(string from, string target)
    {
        var parts = new List<string>(from.Split('/')[..^1]);
        foreach (var part in target.Split('/'))
        {
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
            else if (part is not ("." or "")) parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>The numbers the generated sections of one doc hold.</summary>
    private sealed class GeneratedFigures
    {
        private readonly HashSet<string> _figures = new(StringComparer.Ordinal);
        private readonly List<Written> _decimals;
        private readonly List<(Written Mean, Written Deviation)> _pairs = new();

        public GeneratedFigures(string markdown)
        {
            foreach (Match section in GeneratedSection().Matches(markdown))
            {
                string text = section.Groups[2].Value.Replace(",", "");
                foreach (Match n in AnyNumber().Matches(text)) _figures.Add(n.Value);
                foreach (Match p in MeanAndDeviation().Matches(text)) _pairs.Add((new(p.Groups[1].Value), new(p.Groups[2].Value)));
            }
            _decimals = _figures.Where(g => g.Contains('.')).Select(g => new Written(g)).ToList();
        }

        public bool Holds(string figure) => _figures.Contains(figure) || _decimals.Any(g => g.Writes(figure));

        public bool HoldsPair(string mean, string deviation) => _pairs.Any(p => p.Mean.Writes(mean) && p.Deviation.Writes(deviation));

        /// <summary>A generated number, parsed once.</summary>
        private readonly record struct Written(string Text)
        {
            // decimal, not double: 0.9885 must round to 0.989 as written.
            private decimal Value { get; } = decimal.Parse(Text, CultureInfo.InvariantCulture);

            /// <summary>
            /// Whether <paramref name="figure"/> is this number as written, or with fewer digits: rounded from it
            /// without carrying into its whole part (0.96x in a table is not the 1.0 of a setting).
            /// </summary>
            public bool Writes(string figure)
            {
                if (Text == figure) return true;
                int places = Places(figure);
                if (places == 0 || Places(Text) <= places) return false;
                decimal value = decimal.Parse(figure, CultureInfo.InvariantCulture);
                return Math.Round(Value, places, MidpointRounding.AwayFromZero) == value && decimal.Truncate(Value) == decimal.Truncate(value);
            }
        }

        private static int Places(string figure) => figure.Contains('.') ? figure.Length - figure.IndexOf('.') - 1 : 0;
    }
}
