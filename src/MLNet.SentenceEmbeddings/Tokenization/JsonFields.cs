using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// Typed reads of tokenizer.json fields with errors that name the file, the component and the field. Missing optional
/// fields take the reference library's serde defaults.
/// </summary>
internal static class JsonFields
{
    public static string Type(JsonElement e, string component, string source)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: {component} must be a JSON object, found {e.ValueKind}.");
        return String(e, "type", component, source);
    }

    public static bool Has(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public static bool Bool(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    public static bool? NullableBool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public static string String(JsonElement e, string name, string component, string source) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!
            : throw new InvalidDataException($"{source}: {component} needs a string field '{name}'.");

    public static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    public static JsonElement.ArrayEnumerator Array(JsonElement e, string name, string component, string source) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray()
            : throw new InvalidDataException($"{source}: {component} needs an array field '{name}'.");

    /// <summary>A Split/Replace pattern: <c>{"String": "..."}</c> (literal) or <c>{"Regex": "..."}</c>.</summary>
    public static (string? Literal, string? Regex) Pattern(JsonElement e, string component, string source)
    {
        if (!e.TryGetProperty("pattern", out var p) || p.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: {component} needs a 'pattern' object ({{\"String\": ...}} or {{\"Regex\": ...}}).");
        if (p.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String) return (s.GetString()!, null);
        if (p.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String) return (null, r.GetString()!);
        throw new InvalidDataException($"{source}: {component} pattern must hold \"String\" or \"Regex\".");
    }
}
