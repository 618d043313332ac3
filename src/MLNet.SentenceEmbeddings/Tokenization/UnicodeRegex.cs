using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// A tokenizer.json regular expression (Oniguruma syntax in the reference library) run by .NET's Regex so that astral
/// code points count as one character of their own category. .NET's engine works on UTF-16 units, so "𝐀" would be
/// two surrogates (category Cs) to <c>\p{L}</c> and two characters to <c>{1,3}</c>; the reference sees one letter.
/// Text holding astral code points is matched in a stand-in form where each such code point becomes one BMP character
/// of the same general category, and the match boundaries are mapped back.
/// </summary>
internal sealed class UnicodeRegex
{
    private readonly Regex _regex;

    public UnicodeRegex(string pattern, string source)
    {
        try
        {
            _regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: the regular expression '{pattern}' is not supported ({e.Message}).", e);
        }
    }

    /// <summary>Non-overlapping matches, left to right, as (start, end) UTF-16 indices into <paramref name="text"/>.</summary>
    public List<(int Start, int End)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (text.Length == 0) return result;
        int firstAstral = IndexOfSurrogatePair(text);
        if (firstAstral < 0)
        {
            for (var m = _regex.Match(text); m.Success; m = m.NextMatch())
            {
                result.Add((m.Index, m.Index + m.Length)); // empty matches too: the reference splits at them
            }
            return result;
        }
        // Stand-in text: one BMP char per code point; map[i] = index in the original of stand-in char i.
        var sb = new StringBuilder(text.Length);
        var map = new int[text.Length + 1];
        int n = 0;
        for (int i = 0; i < text.Length;)
        {
            map[n++] = i;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(StandIn(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))));
                i += 2;
            }
            else
            {
                sb.Append(text[i]);
                i++;
            }
        }
        map[n] = text.Length;
        for (var m = _regex.Match(sb.ToString()); m.Success; m = m.NextMatch())
        {
            result.Add((map[m.Index], map[m.Index + m.Length]));
        }
        return result;
    }

    private static int IndexOfSurrogatePair(string text)
    {
        for (int i = 0; i + 1 < text.Length; i++)
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1])) return i;
        return -1;
    }

    /// <summary>A BMP character of each general category, none of them ASCII (patterns name ASCII characters).</summary>
    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter => 'À',
        UnicodeCategory.LowercaseLetter => 'à',
        UnicodeCategory.TitlecaseLetter => '\u01C5',
        UnicodeCategory.ModifierLetter => '\u02B0',
        UnicodeCategory.OtherLetter => '\u05D0',
        UnicodeCategory.NonSpacingMark => '\u0300',
        UnicodeCategory.SpacingCombiningMark => '\u0903',
        UnicodeCategory.EnclosingMark => '\u0488',
        UnicodeCategory.DecimalDigitNumber => '\u0660',
        UnicodeCategory.LetterNumber => '\u2160',
        UnicodeCategory.OtherNumber => '\u00B2',
        UnicodeCategory.SpaceSeparator => '\u2000',
        UnicodeCategory.LineSeparator => '\u2028',
        UnicodeCategory.ParagraphSeparator => '\u2029',
        UnicodeCategory.Control => '\u0080',
        UnicodeCategory.Format => '\u00AD',
        UnicodeCategory.PrivateUse => '\uE000',
        UnicodeCategory.ConnectorPunctuation => '\u203F',
        UnicodeCategory.DashPunctuation => '\u2010',
        UnicodeCategory.OpenPunctuation => '\u2045',
        UnicodeCategory.ClosePunctuation => '\u2046',
        UnicodeCategory.InitialQuotePunctuation => '\u00AB',
        UnicodeCategory.FinalQuotePunctuation => '\u00BB',
        UnicodeCategory.OtherPunctuation => '\u00A1',
        UnicodeCategory.MathSymbol => '\u00B1',
        UnicodeCategory.CurrencySymbol => '\u00A2',
        UnicodeCategory.ModifierSymbol => '\u00A8',
        UnicodeCategory.OtherSymbol => '\u00A9',
        _ => '\u0378', // unassigned
    };
}
