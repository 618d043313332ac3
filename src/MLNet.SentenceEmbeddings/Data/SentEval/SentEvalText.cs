using System.Text;

namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>
/// Text handling that SentEval's Python readers imply, so the encoder sees the same strings: Latin-1 decoding,
/// str.splitlines() line breaks (empty lines kept) and str.split() tokens re-joined by one space.
/// </summary>
internal static class SentEvalText
{
    public static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>
    /// Lines as Python's <c>f.read().splitlines()</c> returns them (1-based number, text): \n, \r, \r\n, \v, \f,
    /// \x1c-\x1e, \x85, U+2028 and U+2029 end a line; empty lines are kept; no empty line after a final break.
    /// </summary>
    public static IEnumerable<(int Number, string Text)> SplitLines(string path, Encoding encoding)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file not found: {path}", path);
        string text = File.ReadAllText(path, encoding);
        int start = 0, number = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!IsLineBreak(text[i])) continue;
            yield return (++number, text[start..i]);
            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < text.Length) yield return (++number, text[start..]);
    }

    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>Python's str.isspace, which str.split() uses: .NET's white space plus the \x1c-\x1f separators.</summary>
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary><c>' '.join(text.split())</c>: the sentence SentEval's batchers receive.</summary>
    public static string JoinTokens(string text)
    {
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsPythonSpace(text[i])) i++;
            int s = i;
            while (i < text.Length && !IsPythonSpace(text[i])) i++;
            if (i > s)
            {
                if (sb.Length > 0) sb.Append(' ');
                sb.Append(text, s, i - s);
            }
        }
        return sb.ToString();
    }

    /// <summary>Python's str.strip() (no arguments).</summary>
    public static string Strip(string text)
    {
        int a = 0, b = text.Length;
        while (a < b && IsPythonSpace(text[a])) a++;
        while (b > a && IsPythonSpace(text[b - 1])) b--;
        return text[a..b];
    }

    /// <summary>
    /// The MR / CR / SUBJ / MPQA layout: one file of class 1 and one of class 0, a sentence per line, read as Latin-1
    /// with every line kept (CR and MPQA have empty lines; SentEval embeds them as empty sentences).
    /// </summary>
    public static List<SentEvalExample> ReadTwoFiles(string positivePath, string negativePath)
    {
        var positive = SplitLines(positivePath, Latin1).Select(l => new SentEvalExample(JoinTokens(l.Text), 1)).ToList();
        var negative = SplitLines(negativePath, Latin1).Select(l => new SentEvalExample(JoinTokens(l.Text), 0)).ToList();
        DataFileLines.NotEmpty(positive, positivePath, "one sentence of the positive class per line");
        DataFileLines.NotEmpty(negative, negativePath, "one sentence of the negative class per line");
        return positive.Concat(negative).ToList();
    }
}
