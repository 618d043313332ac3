using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>A piece of text on its way to the model; <see cref="AtStart"/> marks the piece that begins the input.</summary>
internal readonly record struct TextPiece(string Text, bool AtStart);

/// <summary>How a split keeps its delimiters (Hugging Face's <c>SplitDelimiterBehavior</c>).</summary>
internal enum SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous }

/// <summary>
/// The pre-tokenizer step of a tokenizer.json (Hugging Face's <c>pre_tokenizers</c>): cuts normalized text into the
/// pieces the model sees. Microsoft.ML.Tokenizers 2.0.1 has regex and whitespace pre-tokenizers, but not Metaspace's
/// prepend schemes, the five split behaviours or byte-level mapping as separate steps, and its regexes see astral
/// characters as surrogates; so these are written here to the reference's definitions.
/// </summary>
internal abstract class WordSplitter
{
    /// <summary>Replaces each piece of <paramref name="pieces"/> by its parts (empty parts dropped, as the reference does).</summary>
    public abstract List<TextPiece> Split(List<TextPiece> pieces);

    public static WordSplitter? FromJson(JsonElement e, string source)
    {
        if (e.ValueKind == JsonValueKind.Null) return null;
        string type = JsonFields.Type(e, "pre_tokenizer", source);
        return type switch
        {
            "BertPreTokenizer" => BertPreTokenizer(),
            "Whitespace" => new WhitespaceSplitter(),
            "WhitespaceSplit" => new PredicateSplitter(UnicodeClasses.IsWhitespace, SplitBehavior.Removed),
            "Punctuation" => new PredicateSplitter(UnicodeClasses.IsPunctuation, Behavior(e, source, SplitBehavior.Isolated)),
            "Digits" => new PredicateSplitter(UnicodeClasses.IsNumeric,
                JsonFields.Bool(e, "individual_digits", false) ? SplitBehavior.Isolated : SplitBehavior.Contiguous),
            "CharDelimiterSplit" => CharDelimiter(e, source),
            "Split" => PatternSplitter.FromJson(e, source),
            "Metaspace" => MetaspaceSplitter.FromJson(e, source),
            "ByteLevel" => new ByteLevelSplitter(JsonFields.Bool(e, "add_prefix_space", true), JsonFields.Bool(e, "use_regex", true)),
            "Sequence" => new SequenceSplitter(JsonFields.Array(e, "pretokenizers", "pre_tokenizer Sequence", source)
                .Select(x => FromJson(x, source)).OfType<WordSplitter>().ToArray()),
            _ => throw new NotSupportedException($"{source}: pre_tokenizer type '{type}' is not supported; expected one of " +
                "BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation, Digits, CharDelimiterSplit, Split, Metaspace, ByteLevel, Sequence."),
        };
    }

    /// <summary>BERT's: split on whitespace (dropped), then on each punctuation character (kept alone).</summary>
    internal static WordSplitter BertPreTokenizer() => new SequenceSplitter(new WordSplitter[]
    {
        new PredicateSplitter(UnicodeClasses.IsWhitespace, SplitBehavior.Removed),
        new PredicateSplitter(UnicodeClasses.IsPunctuation, SplitBehavior.Isolated),
    });

    internal static SplitBehavior Behavior(JsonElement e, string source, SplitBehavior fallback)
    {
        string? b = JsonFields.OptionalString(e, "behavior");
        if (b is null) return fallback;
        return Enum.TryParse<SplitBehavior>(b, ignoreCase: false, out var v) ? v
            : throw new InvalidDataException($"{source}: split behavior '{b}' is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous.");
    }

    private static WordSplitter CharDelimiter(JsonElement e, string source)
    {
        string d = JsonFields.String(e, "delimiter", "pre_tokenizer CharDelimiterSplit", source);
        if (!Rune.TryGetRuneAt(d, 0, out var delimiter) || delimiter.Utf16SequenceLength != d.Length)
            throw new InvalidDataException($"{source}: CharDelimiterSplit delimiter must be one character, found '{d}'.");
        return new PredicateSplitter(r => r == delimiter, SplitBehavior.Removed);
    }

    /// <summary>
    /// Cuts <paramref name="piece"/> at <paramref name="matches"/> (ascending, non-overlapping ranges; the flag says
    /// whether the range is a delimiter) according to <paramref name="behavior"/>, as the reference's
    /// <c>NormalizedString::split</c>.
    /// </summary>
    internal static void Cut(TextPiece piece, List<(int Start, int End, bool IsMatch)> matches, SplitBehavior behavior, List<TextPiece> output)
    {
        var kept = new List<(int Start, int End)>(matches.Count);
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var m in matches) kept.Add((m.Start, m.End));
                break;
            case SplitBehavior.Removed:
                foreach (var m in matches) if (!m.IsMatch) kept.Add((m.Start, m.End));
                break;
            case SplitBehavior.Contiguous:
            {
                bool previous = false;
                foreach (var m in matches)
                {
                    if (m.IsMatch == previous && kept.Count > 0) kept[^1] = (kept[^1].Start, m.End);
                    else kept.Add((m.Start, m.End));
                    previous = m.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithPrevious:
            {
                bool previous = false;
                foreach (var m in matches)
                {
                    if (m.IsMatch && !previous && kept.Count > 0) kept[^1] = (kept[^1].Start, m.End);
                    else kept.Add((m.Start, m.End));
                    previous = m.IsMatch;
                }
                break;
            }
            case SplitBehavior.MergedWithNext:
            {
                bool previous = false;
                for (int i = matches.Count - 1; i >= 0; i--)
                {
                    var m = matches[i];
                    if (m.IsMatch && !previous && kept.Count > 0) kept[^1] = (m.Start, kept[^1].End);
                    else kept.Add((m.Start, m.End));
                    previous = m.IsMatch;
                }
                kept.Reverse();
                break;
            }
        }
        foreach (var (s, e) in kept)
            if (e > s) output.Add(new TextPiece(piece.Text[s..e], piece.AtStart && s == 0));
    }

    /// <summary>Delimiter ranges from regex-style matches: gaps become non-matches, as the reference's <c>find_matches</c>.</summary>
    internal static List<(int, int, bool)> WithGaps(List<(int Start, int End)> found, int length, bool invert)
    {
        var result = new List<(int, int, bool)>(found.Count * 2 + 1);
        if (length == 0) return result;
        int prev = 0;
        foreach (var (s, e) in found)
        {
            if (prev != s) result.Add((prev, s, invert));
            result.Add((s, e, !invert));
            prev = e;
        }
        if (prev != length) result.Add((prev, length, invert));
        return result;
    }
}

/// <summary>Splits on each code point that satisfies a predicate (every such code point is its own delimiter).</summary>
internal sealed class PredicateSplitter(Func<Rune, bool> isDelimiter, SplitBehavior behavior) : WordSplitter
{
    public override List<TextPiece> Split(List<TextPiece> pieces)
    {
        var output = new List<TextPiece>(pieces.Count * 2);
        var matches = new List<(int, int, bool)>();
        foreach (var piece in pieces)
        {
            matches.Clear();
            string t = piece.Text;
            int last = 0, i = 0;
            foreach (var r in t.EnumerateRunes())
            {
                int n = r.Utf16SequenceLength;
                if (isDelimiter(r))
                {
                    if (last < i) matches.Add((last, i, false));
                    matches.Add((i, i + n, true));
                    last = i + n;
                }
                i += n;
            }
            if (t.Length > last) matches.Add((last, t.Length, false));
            Cut(piece, matches, behavior, output);
        }
        return output;
    }
}

/// <summary>The <c>Whitespace</c> pre-tokenizer: runs of word characters and runs of other non-space characters (<c>\w+|[^\w\s]+</c>).</summary>
internal sealed class WhitespaceSplitter : WordSplitter
{
    public override List<TextPiece> Split(List<TextPiece> pieces)
    {
        var output = new List<TextPiece>(pieces.Count * 2);
        foreach (var piece in pieces)
        {
            string t = piece.Text;
            int i = 0;
            while (i < t.Length)
            {
                var r = Rune.GetRuneAt(t, i);
                if (UnicodeClasses.IsWhitespace(r)) { i += r.Utf16SequenceLength; continue; }
                bool word = UnicodeClasses.IsWordChar(r);
                int start = i;
                while (i < t.Length)
                {
                    var q = Rune.GetRuneAt(t, i);
                    if (UnicodeClasses.IsWhitespace(q) || UnicodeClasses.IsWordChar(q) != word) break;
                    i += q.Utf16SequenceLength;
                }
                output.Add(new TextPiece(t[start..i], piece.AtStart && start == 0));
            }
        }
        return output;
    }
}

/// <summary>The <c>Split</c> pre-tokenizer: a literal or regular-expression delimiter, a behaviour, optionally inverted.</summary>
internal sealed class PatternSplitter(string? literal, UnicodeRegex? regex, SplitBehavior behavior, bool invert) : WordSplitter
{
    public static new PatternSplitter FromJson(JsonElement e, string source)
    {
        var (lit, re) = JsonFields.Pattern(e, "pre_tokenizer Split", source);
        if (!JsonFields.Has(e, "behavior")) throw new InvalidDataException($"{source}: pre_tokenizer Split needs 'behavior'.");
        return new PatternSplitter(lit, re is null ? null : new UnicodeRegex(re, source), Behavior(e, source, SplitBehavior.Removed),
            JsonFields.Bool(e, "invert", false));
    }

    public override List<TextPiece> Split(List<TextPiece> pieces)
    {
        var output = new List<TextPiece>(pieces.Count * 2);
        foreach (var piece in pieces)
        {
            List<(int, int)> found;
            if (regex is not null) found = regex.Matches(piece.Text);
            else
            {
                found = new List<(int, int)>();
                if (literal!.Length > 0)
                    for (int at = piece.Text.IndexOf(literal, StringComparison.Ordinal); at >= 0;
                         at = piece.Text.IndexOf(literal, at + literal.Length, StringComparison.Ordinal))
                        found.Add((at, at + literal.Length));
            }
            Cut(piece, WithGaps(found, piece.Text.Length, invert), behavior, output);
        }
        return output;
    }
}

/// <summary>
/// SentencePiece's word boundary marker: spaces become <c>▁</c>, a <c>▁</c> is prepended (always, only to the piece
/// that starts the input, or never), and with <c>split</c> the text is cut before each <c>▁</c>.
/// </summary>
internal sealed class MetaspaceSplitter(char replacement, MetaspaceSplitter.Prepend prepend, bool split) : WordSplitter
{
    public enum Prepend { Always, First, Never }

    public static new MetaspaceSplitter FromJson(JsonElement e, string source)
    {
        string rep = JsonFields.String(e, "replacement", "pre_tokenizer Metaspace", source);
        if (rep.Length != 1) throw new InvalidDataException($"{source}: Metaspace replacement must be one UTF-16 character, found '{rep}'.");
        var scheme = JsonFields.OptionalString(e, "prepend_scheme") switch
        {
            null or "always" => Prepend.Always,
            "first" => Prepend.First,
            "never" => Prepend.Never,
            var s => throw new InvalidDataException($"{source}: Metaspace prepend_scheme '{s}' is not always, first or never."),
        };
        // Older files: add_prefix_space false means never.
        if (JsonFields.NullableBool(e, "add_prefix_space") == false) scheme = Prepend.Never;
        return new MetaspaceSplitter(rep[0], scheme, JsonFields.Bool(e, "split", true));
    }

    public override List<TextPiece> Split(List<TextPiece> pieces)
    {
        var output = new List<TextPiece>(pieces.Count * 2);
        var matches = new List<(int, int, bool)>();
        foreach (var piece in pieces)
        {
            string t = piece.Text.Replace(' ', replacement);
            if (t.Length > 0 && t[0] != replacement && (prepend == Prepend.Always || (prepend == Prepend.First && piece.AtStart)))
                t = replacement + t;
            var p = new TextPiece(t, piece.AtStart);
            if (!split) { if (t.Length > 0) output.Add(p); continue; }
            matches.Clear();
            int last = 0;
            for (int i = 0; i < t.Length; i++)
            {
                if (t[i] != replacement) continue;
                if (last < i) matches.Add((last, i, false));
                matches.Add((i, i + 1, true));
                last = i + 1;
            }
            if (t.Length > last) matches.Add((last, t.Length, false));
            Cut(p, matches, SplitBehavior.MergedWithNext, output);
        }
        return output;
    }
}

/// <summary>GPT-2 / RoBERTa byte-level pre-tokenization: optional prefix space, GPT-2's split pattern, then bytes as characters.</summary>
internal sealed class ByteLevelSplitter(bool addPrefixSpace, bool useRegex) : WordSplitter
{
    private static readonly UnicodeRegex Gpt2 = new(
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", "ByteLevel");

    public override List<TextPiece> Split(List<TextPiece> pieces)
    {
        var output = new List<TextPiece>(pieces.Count * 4);
        foreach (var piece in pieces)
        {
            var p = addPrefixSpace && !piece.Text.StartsWith(' ') ? new TextPiece(" " + piece.Text, piece.AtStart) : piece;
            if (useRegex) Cut(p, WithGaps(Gpt2.Matches(p.Text), p.Text.Length, false), SplitBehavior.Isolated, output);
            else if (p.Text.Length > 0) output.Add(p);
        }
        for (int i = 0; i < output.Count; i++) output[i] = output[i] with { Text = ByteLevelAlphabet.Map(output[i].Text) };
        return output;
    }
}

internal sealed class SequenceSplitter(IReadOnlyList<WordSplitter> steps) : WordSplitter
{
    public override List<TextPiece> Split(List<TextPiece> pieces)
    {
        foreach (var step in steps) pieces = step.Split(pieces);
        return pieces;
    }
}
