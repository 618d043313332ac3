using System.Globalization;
using System.Text.RegularExpressions;

namespace MLNet.SentenceEmbeddings.Tests.Docs;

/// <summary>
/// One source per figure: finds the figures written by hand in Markdown prose (decimals, percentages, ratios such as
/// 1.16x) that no generated section holds. Generated sections are the text between "&lt;!-- NAME:start --&gt;" and
/// "&lt;!-- NAME:end --&gt;", which commands write with their date and machine; code blocks, inline code and link
/// targets are not prose. A prose figure passes when a generated section of any doc holds it, or holds a longer figure
/// that rounds to it (0.9885 written as 0.989), or when the quoted-figures list names it (paper figures, versions,
/// thresholds of tests, inputs of examples).
/// </summary>
public static partial class DocFigures
{
    [GeneratedRegex(@"<!-- ([\w-]+):start -->(.*?)<!-- \1:end -->", RegexOptions.Singleline)]
    private static partial Regex GeneratedSection();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`|\]\([^)\n]*\)")]
    private static partial Regex InlineCodeOrLinkTarget();

    // A number not inside a word or a dotted version (1.31.1), with an optional % or x (ratio) after it.
    [GeneratedRegex(@"(?<![\w.])(\d+(?:\.\d+)?)(%|x(?!\w))?(?![\w.]|\.\d)")]
    private static partial Regex Number();

    [GeneratedRegex(@"\d+(?:\.\d+)?")]
    private static partial Regex AnyNumber();

    /// <summary>"file:line: figure (the line)" for every unsourced figure of <paramref name="docs"/> (name -> Markdown).</summary>
    public static List<string> Unsourced(IReadOnlyDictionary<string, string> docs, IReadOnlySet<string> quoted)
    {
        var generated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in docs.Values)
            foreach (Match section in GeneratedSection().Matches(text))
                foreach (Match n in AnyNumber().Matches(section.Groups[2].Value.Replace(",", "")))
                    generated.Add(n.Value);
        var decimals = generated.Where(g => g.Contains('.'))
            .Select(g => (Value: decimal.Parse(g, CultureInfo.InvariantCulture), Places: g.Length - g.IndexOf('.') - 1)).ToList();

        bool Sourced(string figure)
        {
            if (generated.Contains(figure) || quoted.Contains(figure)) return true;
            int places = figure.Contains('.') ? figure.Length - figure.IndexOf('.') - 1 : 0;
            if (places == 0) return false;
            // decimal, not double: 0.9885 must round to 0.989 as written.
            decimal value = decimal.Parse(figure, CultureInfo.InvariantCulture);
            // The same figure with fewer digits: a generated one with more decimals that rounds to it.
            return decimals.Any(g => g.Places > places && Math.Round(g.Value, places, MidpointRounding.AwayFromZero) == value);
        }

        var found = new List<string>();
        foreach (var (name, text) in docs.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            // Blank out what is not prose, keeping line breaks so that line numbers stay right.
            static string Blank(Match m) => new('\n', m.Value.Count(c => c == '\n'));
            string prose = GeneratedSection().Replace(text, Blank);
            prose = CodeBlock().Replace(prose, Blank);
            prose = InlineCodeOrLinkTarget().Replace(prose, "");
            var lines = prose.Split('\n');
            for (int i = 0; i < lines.Length; i++)
                foreach (Match m in Number().Matches(lines[i]))
                {
                    string figure = m.Groups[1].Value;
                    bool isFigure = figure.Contains('.') || m.Groups[2].Success;
                    if (isFigure && !Sourced(figure)) found.Add($"{name}:{i + 1}: {m.Value} ({lines[i].Trim()})");
                }
        }
        return found;
    }

    /// <summary>The figures of a quoted-figures file: the first field of each line; '#' starts a comment.</summary>
    public static HashSet<string> ReadQuoted(string path) =>
        File.ReadLines(path).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]).ToHashSet(StringComparer.Ordinal);
}
