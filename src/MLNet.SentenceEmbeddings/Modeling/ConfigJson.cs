using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Typed reads of config.json keys for every architecture's config record: a missing key keeps the record's default,
/// a key of the wrong type fails naming the file and the key.
/// </summary>
internal static class ConfigJson
{
    public static JsonObject Parse(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path}: empty JSON."); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
        catch (InvalidOperationException e) { throw new InvalidDataException($"{path}: expected a JSON object ({e.Message}).", e); }
    }

    public static int Int(JsonObject o, string key, int fallback, string path) => Read(o, key, fallback, path, "an integer");

    public static double Double(JsonObject o, string key, double fallback, string path) => Read(o, key, fallback, path, "a number");

    public static bool Bool(JsonObject o, string key, bool fallback, string path) => Read(o, key, fallback, path, "true or false");

    public static string String(JsonObject o, string key, string fallback, string path) => Read(o, key, fallback, path, "a string");

    /// <summary>config.json's model_type, or <paramref name="fallback"/> when absent.</summary>
    public static string ModelType(JsonObject o, string fallback, string path) => String(o, "model_type", fallback, path);

    private static T Read<T>(JsonObject o, string key, T fallback, string path, string expected)
    {
        var node = o[key];
        if (node is null) return fallback;
        try { return node.GetValue<T>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new InvalidDataException($"{path}: '{key}' must be {expected}, got {node.ToJsonString()}.", e); }
    }
}
