using System.Globalization;
using System.Text;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The character classes Hugging Face tokenizers (Rust) test with, on code points rather than UTF-16 units: .NET's
/// <c>char</c> predicates see an astral letter as two surrogates, Rust's see one letter.
/// </summary>
internal static class UnicodeClasses
{
    /// <summary>Rust <c>char::is_whitespace</c> (the White_Space property; .NET's set is the same).</summary>
    public static bool IsWhitespace(Rune r) => Rune.IsWhiteSpace(r);

    /// <summary>Rust <c>char::is_numeric</c>: Nd, Nl or No.</summary>
    public static bool IsNumeric(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>BERT's punctuation: ASCII punctuation (which includes $, +, ^, ...) or any P* category.</summary>
    public static bool IsPunctuation(Rune r)
    {
        if (r.Value < 128) return r.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Rust <c>is_other</c> (C*: Cc, Cf, Cn, Co, Cs), which BERT's clean-up drops except tab and line breaks.</summary>
    public static bool IsOther(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;

    /// <summary>Mn (what BERT's accent stripping removes after NFD).</summary>
    public static bool IsNonSpacingMark(Rune r) => Rune.GetUnicodeCategory(r) == UnicodeCategory.NonSpacingMark;

    /// <summary>M* (Mn, Mc, Me: the StripAccents normalizer's <c>is_combining_mark</c>).</summary>
    public static bool IsMark(Rune r) => Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>The CJK blocks BERT puts spaces around (its <c>_is_chinese_char</c>).</summary>
    public static bool IsChinese(int c) => c is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF)
        or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F)
        or (>= 0x2B920 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    /// <summary>
    /// Rust regex's Unicode <c>\w</c>: Alphabetic, marks, Nd, Pc, Join_Control. Alphabetic is approximated by letters,
    /// Nl and the circled/squared Latin letters (the Other_Alphabetic symbols); .NET's <c>\w</c> lacks Mc, Me and Nl.
    /// </summary>
    public static bool IsWordChar(Rune r)
    {
        if (r.Value is 0x200C or 0x200D or (>= 0x24B6 and <= 0x24E9) or (>= 0x1F130 and <= 0x1F149)
            or (>= 0x1F150 and <= 0x1F169) or (>= 0x1F170 and <= 0x1F189)) return true;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.LetterNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    /// <summary>Rust <c>char::to_lowercase</c>: full case mapping, so 'İ' becomes "i̇" (the one unconditional
    /// multi-character lower-case mapping), every other code point its simple mapping.</summary>
    public static void AppendLower(StringBuilder sb, Rune r)
    {
        if (r.Value == 0x130) { sb.Append("i\u0307"); return; }
        var lower = Rune.ToLowerInvariant(r);
        if (lower.IsBmp) sb.Append((char)lower.Value); else sb.Append(lower.ToString());
    }

    /// <summary>
    /// Unpaired UTF-16 surrogates become U+FFFD: what the UTF-8 conversion at the reference library's door gives, and
    /// what .NET's normalization needs (it throws on them). Returns the input itself when there are none.
    /// </summary>
    public static string ReplaceLoneSurrogates(string text) => WordPieceTokenizer.ReplaceLoneSurrogates(text);
}
