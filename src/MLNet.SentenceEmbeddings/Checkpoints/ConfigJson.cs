using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// A JSON config file of a model (config.json, modules.json, 1_Pooling/config.json, ...) with typed look-ups whose
/// errors name the file, the key and what was expected. Size is checked before the file is read.
/// </summary>
internal sealed class ConfigJson
{
    /// <summary>Config files are small; anything larger is not one (and is not read into memory).</summary>
    public const long MaxBytes = 64L << 20;

    private ConfigJson(JsonNode root, string file)
    {
        Root = root;
        File = file;
    }

    public JsonNode Root { get; }

    /// <summary>Names the file in messages.</summary>
    public string File { get; }

    public JsonObject Object => Root as JsonObject ?? throw new InvalidDataException($"{File}: expected a JSON object.");

    /// <summary>The file at <paramref name="path"/>, or null when the source has none.</summary>
    public static ConfigJson? TryRead(IModelFileSource source, string path) =>
        source.Exists(path) ? Read(source, path) : null;

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Too large, or not JSON; the message names the file.</exception>
    public static ConfigJson Read(IModelFileSource source, string path)
    {
        string name = source.Describe(path);
        long length = source.Length(path);
        if (length > MaxBytes) throw new InvalidDataException($"{name}: {length} bytes; a config file is expected to be under {MaxBytes >> 20} MB.");
        using var stream = source.Open(path);
        return Parse(stream, name);
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ConfigJson Parse(Stream stream, string name)
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        byte[] bytes = memory.ToArray();
        // Invalid UTF-8 inside a string would only fail later, when the value is read, naming no file.
        try { StrictUtf8.GetCharCount(bytes); }
        catch (System.Text.DecoderFallbackException e) { throw new InvalidDataException($"{name}: not UTF-8 text (byte offset {e.Index}); expected a JSON file.", e); }
        try
        {
            var node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })
                       ?? throw new InvalidDataException($"{name}: the file holds JSON null; expected a JSON object or array.");
            return new ConfigJson(node, name);
        }
        catch (JsonException e) { throw new InvalidDataException($"{name}: not valid JSON ({e.Message}).", e); }
    }

    public bool Has(string key) => Object[key] is not null;

    public string? String(string key) => Get(key, JsonValueKind.String, "a string", n => n.GetValue<string>());

    public bool? Bool(string key) => Object[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        var n => throw Expected(key, "true or false", n),
    };

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or null when absent (or JSON null).</summary>
    public int? Int(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var node = Object[key];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IntegerOf(v) is long l && l >= min && l <= max)
            return (int)l;
        throw Expected(key, min == int.MinValue && max == int.MaxValue ? "an integer" : $"an integer in {min}..{max}", node);
    }

    /// <summary>
    /// A length limit that may be "no limit": transformers writes int(1e30) (1000000000000000019884624838656) for
    /// tokenizers without one. Null when absent or too large for a long; negative values are errors.
    /// </summary>
    public long? Limit(string key)
    {
        var node = Object[key];
        if (node is null) return null;
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) throw Expected(key, "a number", node);
        if (IntegerOf(v) is long l) return l >= 0 ? l : throw Expected(key, "a non-negative number", node);
        if (NumberOf(v) is double d && d > 0) return null; // beyond long: no limit
        throw Expected(key, "a non-negative number", node);
    }

    public double? Double(string key) => Get(key, JsonValueKind.Number, "a number", n => NumberOf(n) ?? throw Expected(key, "a number", n));

    // Parsed and code-built values alike (a JsonValue made from an int does not convert to long or double itself).
    private static long? IntegerOf(JsonValue v) =>
        long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long l) ? l : null;

    private static double? NumberOf(JsonValue v) =>
        double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) ? d : null;

    public InvalidDataException Expected(string key, string what, JsonNode? got) =>
        new($"{File}: '{key}' must be {what}, got {got?.ToJsonString() ?? "nothing"}.");

    private T? Get<T>(string key, JsonValueKind kind, string what, Func<JsonValue, T> read) where T : struct =>
        Object[key] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == kind => read(v),
            var n => throw Expected(key, what, n),
        };

    private string? Get(string key, JsonValueKind kind, string what, Func<JsonValue, string> read) =>
        Object[key] switch
        {
            null => null,
            JsonValue v when v.GetValueKind() == kind => read(v),
            var n => throw Expected(key, what, n),
        };

    /// <summary>A parsed object (e.g. config.json handed to <see cref="Modeling.TransformerModels.Create"/>); <paramref name="file"/> names it in errors.</summary>
    public static ConfigJson Of(JsonObject json, string file) => new(json, file);

    /// <summary>Reads a JSON file from disk; errors name it.</summary>
    public static JsonObject Parse(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        if (stream.Length > MaxBytes) throw new InvalidDataException($"{path}: {stream.Length} bytes; a config file is expected to be under {MaxBytes >> 20} MB.");
        return Parse(stream, path).Object;
    }

    // Shorthands for the architecture configs: a missing key keeps the record's default.
    public static int Int(JsonObject o, string key, int fallback, string path) => Of(o, path).Int(key) ?? fallback;
    public static double Double(JsonObject o, string key, double fallback, string path) => Of(o, path).Double(key) ?? fallback;
    public static bool Bool(JsonObject o, string key, bool fallback, string path) => Of(o, path).Bool(key) ?? fallback;
    public static string String(JsonObject o, string key, string fallback, string path) => Of(o, path).String(key) ?? fallback;

    /// <summary>config.json's model_type, or <paramref name="fallback"/> when absent.</summary>
    public static string ModelType(JsonObject o, string fallback, string path) => String(o, "model_type", fallback, path);

    /// <summary>Writes <paramref name="node"/> indented through <paramref name="sink"/>.</summary>
    public static void Write(IModelFileSink sink, string path, JsonNode node) =>
        sink.Write(path, s =>
        {
            using var writer = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
            node.WriteTo(writer);
        });
}
