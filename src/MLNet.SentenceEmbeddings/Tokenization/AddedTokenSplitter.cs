using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>An entry of tokenizer.json's <c>added_tokens</c>: matched in the text before the model sees it.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord, bool LStrip, bool RStrip, bool Normalized)
{
    public static AddedToken FromJson(JsonElement e, string source)
    {
        int id = JsonFields.OptionalInt(e, "id") is int i && i >= 0 ? i
            : throw new InvalidDataException($"{source}: every added_tokens entry needs a non-negative integer 'id'.");
        string content = JsonFields.String(e, "content", $"added token {id}", source);
        bool special = JsonFields.Bool(e, "special", false);
        return new AddedToken(id, content, special, JsonFields.Bool(e, "single_word", false), JsonFields.Bool(e, "lstrip", false),
            JsonFields.Bool(e, "rstrip", false), JsonFields.Bool(e, "normalized", !special));
    }
}

/// <summary>
/// Cuts added tokens out of a text: leftmost, then longest match (the reference's Aho-Corasick
/// <c>LeftmostLongest</c>), a <c>single_word</c> token only between non-word characters, <c>lstrip</c>/<c>rstrip</c>
/// tokens swallowing the whitespace beside them. The tokenizer runs one splitter over the raw text with the
/// non-normalized tokens, and one over each normalized remainder with the normalized tokens (matched in normalized form).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Dictionary<char, (string Pattern, AddedToken Token)[]> _byFirstChar;

    public AddedTokenSplitter(IEnumerable<(string Pattern, AddedToken Token)> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Pattern.Length > 0)
            .GroupBy(t => t.Pattern[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Pattern.Length).ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>Segments of <paramref name="text"/> in order: (start, end, token or null for plain text).</summary>
    public List<(int Start, int End, AddedToken? Token)> Split(string text)
    {
        var result = new List<(int, int, AddedToken?)>();
        int startOffset = 0, i = 0;
        while (i < text.Length)
        {
            if (!_byFirstChar.TryGetValue(text[i], out var candidates)) { i++; continue; }
            (string Pattern, AddedToken Token)? hit = null;
            foreach (var c in candidates)
                if (string.CompareOrdinal(text, i, c.Pattern, 0, c.Pattern.Length) == 0) { hit = c; break; }
            if (hit is null) { i++; continue; }
            int start = i, stop = i + hit.Value.Pattern.Length;
            var token = hit.Value.Token;
            i = stop; // matches never overlap: the search resumes after this one, kept or not
            if (token.SingleWord)
            {
                bool startSpace = start == 0 || !EndsWithWordChar(text, start);
                bool stopSpace = stop == text.Length || !StartsWithWordChar(text, stop);
                if (!startSpace || !stopSpace) continue;
            }
            if (token.LStrip)
            {
                int s = start;
                while (s > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, s), out var r, out int n) == System.Buffers.OperationStatus.Done
                       && UnicodeClasses.IsWhitespace(r)) s -= n;
                start = Math.Max(s, startOffset);
            }
            if (token.RStrip)
                while (stop < text.Length && Rune.DecodeFromUtf16(text.AsSpan(stop), out var r, out int n) == System.Buffers.OperationStatus.Done
                       && UnicodeClasses.IsWhitespace(r)) stop += n;
            if (startOffset < start) result.Add((startOffset, start, null));
            result.Add((start, stop, token));
            startOffset = stop;
        }
        if (startOffset < text.Length) result.Add((startOffset, text.Length, null));
        return result;
    }

    private static bool EndsWithWordChar(string text, int end) =>
        Rune.DecodeLastFromUtf16(text.AsSpan(0, end), out var r, out _) == System.Buffers.OperationStatus.Done && UnicodeClasses.IsWordChar(r);

    private static bool StartsWithWordChar(string text, int start) =>
        Rune.DecodeFromUtf16(text.AsSpan(start), out var r, out _) == System.Buffers.OperationStatus.Done && UnicodeClasses.IsWordChar(r);
}
