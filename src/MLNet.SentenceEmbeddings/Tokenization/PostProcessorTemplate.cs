using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// Reads tokenizer.json's <c>post_processor</c> into a <see cref="SpecialTokenTemplate"/>: TemplateProcessing (object
/// or string pieces), BertProcessing, RobertaProcessing, ByteLevel (adds nothing) and Sequence (at most one member
/// that adds tokens). Without a post-processor, a pair is A then B with token types 0 and 1, as the reference's default.
/// </summary>
internal static class PostProcessorTemplate
{
    public static SpecialTokenTemplate FromJson(JsonElement e, Func<string, int?> tokenToId, string source)
    {
        if (e.ValueKind == JsonValueKind.Null) return Plain;
        string type = JsonFields.Type(e, "post_processor", source);
        switch (type)
        {
            case "BertProcessing":
                return SpecialTokenTemplate.Bert(TokenAndId(e, "cls", source), TokenAndId(e, "sep", source));
            case "RobertaProcessing":
                return SpecialTokenTemplate.Roberta(TokenAndId(e, "cls", source), TokenAndId(e, "sep", source));
            case "ByteLevel":
                return Plain;
            case "TemplateProcessing":
                return Template(e, tokenToId, source);
            case "Sequence":
            {
                var adding = JsonFields.Array(e, "processors", "post_processor Sequence", source)
                    .Where(p => JsonFields.Type(p, "post_processor", source) != "ByteLevel").ToList();
                if (adding.Count > 1)
                    throw new NotSupportedException($"{source}: a post_processor Sequence with {adding.Count} token-adding processors is not supported; expected at most one.");
                return adding.Count == 0 ? Plain : FromJson(adding[0], tokenToId, source);
            }
            default:
                throw new NotSupportedException($"{source}: post_processor type '{type}' is not supported; expected TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel or Sequence.");
        }
    }

    /// <summary>No special tokens; pair token types 0 then 1.</summary>
    public static SpecialTokenTemplate Plain { get; } = new(new[] { TemplatePiece.Of(0, 0) }, new[] { TemplatePiece.Of(0, 0), TemplatePiece.Of(1, 1) });

    private static int TokenAndId(JsonElement e, string name, string source)
    {
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2
            && v[1].ValueKind == JsonValueKind.Number && v[1].TryGetInt32(out int id) && id >= 0) return id;
        throw new InvalidDataException($"{source}: post_processor field '{name}' must be [token, id].");
    }

    private static SpecialTokenTemplate Template(JsonElement e, Func<string, int?> tokenToId, string source)
    {
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (e.TryGetProperty("special_tokens", out var st) && st.ValueKind == JsonValueKind.Object)
            foreach (var p in st.EnumerateObject())
            {
                var ids = JsonFields.Array(p.Value, "ids", $"special token '{p.Name}'", source)
                    .Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int i) && i >= 0 ? i
                        : throw new InvalidDataException($"{source}: special token '{p.Name}' has id {x}; expected a non-negative integer."))
                    .ToArray();
                specials[p.Name] = ids;
            }
        return new SpecialTokenTemplate(Pieces(e, "single", specials, tokenToId, source), Pieces(e, "pair", specials, tokenToId, source));
    }

    private static TemplatePiece[] Pieces(JsonElement e, string name, Dictionary<string, int[]> specials, Func<string, int?> tokenToId, string source)
    {
        if (!e.TryGetProperty(name, out var list))
            throw new InvalidDataException($"{source}: TemplateProcessing needs '{name}'.");
        IEnumerable<JsonElement> items = list.ValueKind switch
        {
            JsonValueKind.Array => list.EnumerateArray(),
            JsonValueKind.String => list.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(s => JsonDocument.Parse(JsonSerializer.Serialize(s)).RootElement),
            _ => throw new InvalidDataException($"{source}: TemplateProcessing '{name}' must be a list or a string."),
        };
        var pieces = new List<TemplatePiece>();
        foreach (var item in items)
        {
            if (item.ValueKind == JsonValueKind.String) { AddStringPiece(item.GetString()!, pieces, specials, tokenToId, source, name); continue; }
            if (item.TryGetProperty("Sequence", out var seq))
            {
                string id = JsonFields.String(seq, "id", $"TemplateProcessing '{name}' Sequence", source);
                int type = JsonFields.OptionalInt(seq, "type_id") ?? 0;
                pieces.Add(TemplatePiece.Of(id switch
                {
                    "A" => 0,
                    "B" => 1,
                    _ => throw new InvalidDataException($"{source}: TemplateProcessing '{name}' names sequence '{id}'; expected A or B."),
                }, type));
            }
            else if (item.TryGetProperty("SpecialToken", out var sp))
                AddSpecial(JsonFields.String(sp, "id", $"TemplateProcessing '{name}' SpecialToken", source),
                    JsonFields.OptionalInt(sp, "type_id") ?? 0, pieces, specials, tokenToId, source);
            else throw new InvalidDataException($"{source}: TemplateProcessing '{name}' piece {item} is neither Sequence nor SpecialToken.");
        }
        return pieces.ToArray();
    }

    /// <summary>The string form: "$A", "$B:1", "$0" (sequence A with type id 0), "[CLS]", "[SEP]:1".</summary>
    private static void AddStringPiece(string s, List<TemplatePiece> pieces, Dictionary<string, int[]> specials, Func<string, int?> tokenToId, string source, string name)
    {
        int type = 0;
        int colon = s.LastIndexOf(':');
        if (colon > 0 && int.TryParse(s[(colon + 1)..], out int t)) { type = t; s = s[..colon]; }
        if (s.StartsWith('$'))
        {
            string rest = s[1..];
            if (rest is "" or "A" or "a") pieces.Add(TemplatePiece.Of(0, type));
            else if (rest is "B" or "b") pieces.Add(TemplatePiece.Of(1, type));
            else if (int.TryParse(rest, out int n)) pieces.Add(TemplatePiece.Of(0, n));
            else throw new InvalidDataException($"{source}: TemplateProcessing '{name}' piece '{s}' is not $A, $B or $<type id>.");
            return;
        }
        AddSpecial(s, type, pieces, specials, tokenToId, source);
    }

    private static void AddSpecial(string token, int type, List<TemplatePiece> pieces, Dictionary<string, int[]> specials, Func<string, int?> tokenToId, string source)
    {
        if (specials.TryGetValue(token, out var ids)) { foreach (int id in ids) pieces.Add(TemplatePiece.Special(id, type)); return; }
        pieces.Add(TemplatePiece.Special(tokenToId(token) ?? throw new InvalidDataException(
            $"{source}: post_processor uses special token '{token}', which is neither in its special_tokens nor in the vocabulary."), type));
    }
}
