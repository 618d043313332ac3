using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// A JSON configuration file (config.json, modules.json, tokenizer_config.json, 1_Pooling/config.json, a training
/// checkpoint's state, ...) read for typed values. The one reader of such files in this library (also compiled into
/// the torch-free MLNet.SentenceEmbeddings.Onnx package): every error is an <see cref="InvalidDataException"/> that
/// names the file, the key and the type expected.
/// </summary>
/// <remarks>
/// A missing key and a JSON <c>null</c> both read as null, so callers choose the default. The file is checked against
/// <see cref="MaxBytes"/> before it is read, must be UTF-8 and is parsed strictly (no comments, no trailing commas,
/// depth at most 64).
/// </remarks>
/// <example>
/// <code>
/// var config = JsonConfigFile.Read("model/config.json");
/// int hidden = config.GetInt32("hidden_size") ?? 768;
/// int? limit = JsonConfigFile.TryRead("model/tokenizer_config.json")?.GetLimit("model_max_length");
/// </code>
/// </example>
public sealed class JsonConfigFile
{
    /// <summary>The largest file read (tokenizer.json of a 250k-token vocabulary is ~20 MB).</summary>
    public const long MaxBytes = 100_000_000;

    private const int MaxDepth = 64;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly JsonNode _node;
    private readonly string _prefix;

    private JsonConfigFile(string path, JsonNode node, string prefix)
    {
        Path = path;
        _node = node;
        _prefix = prefix;
    }

    /// <summary>The file read (as the source describes it); names it in every message.</summary>
    public string Path { get; }

    /// <summary>Where this object sits in the file ("" for the root, "model." for a nested object): prefixes keys in messages.</summary>
    public string KeyPrefix => _prefix;

    /// <summary>The parsed top level, whatever its JSON type (modules.json is an array).</summary>
    internal JsonNode Root => _node;

    /// <summary>The top level as an object; an error naming the file when it is not one.</summary>
    internal JsonObject Object => _node as JsonObject
        ?? throw new InvalidDataException($"{Path}: the top level is a JSON {Kind(_node)}, expected an object.");

    /// <summary>Reads a file whose top level is a JSON object.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Too large, not UTF-8, not JSON, or not an object; the message names the file.</exception>
    public static JsonConfigFile Read(string path)
    {
        var file = Parse(ReadChecked(path), path);
        _ = file.Object;
        return file;
    }

    /// <summary>The file at <paramref name="path"/> of a model folder or archive, any top-level type (see <see cref="Root"/>).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Too large, not UTF-8 or not JSON; the message names the file.</exception>
    internal static JsonConfigFile Read(IModelFileSource source, string path)
    {
        string name = source.Describe(path);
        long length = source.Length(path);
        if (length > MaxBytes) throw TooLarge(name, length);
        using var stream = source.Open(path);
        return Parse(stream, name);
    }

    /// <summary><see cref="Read(IModelFileSource, string)"/>, or null when the source has no such file.</summary>
    internal static JsonConfigFile? TryRead(IModelFileSource source, string path) => source.Exists(path) ? Read(source, path) : null;

    /// <summary><see cref="Read(string)"/>, or null when the file does not exist.</summary>
    public static JsonConfigFile? TryRead(string path) => File.Exists(path) ? Read(path) : null;

    /// <summary>Reads a file whose top level is an array of objects (modules.json); element i reports its keys as "[i].key".</summary>
    public static IReadOnlyList<JsonConfigFile> ReadArray(string path)
    {
        var file = Parse(ReadChecked(path), path);
        if (file._node is not JsonArray array)
            throw new InvalidDataException($"{path}: the top level is a JSON {Kind(file._node)}, expected an array of objects.");
        var items = new List<JsonConfigFile>();
        foreach (var item in array)
            items.Add(item is JsonObject o
                ? new JsonConfigFile(path, o, $"[{items.Count}].")
                : throw new InvalidDataException($"{path}: element [{items.Count}] is a JSON {Kind(item)}, expected an object."));
        return items;
    }

    /// <summary>An object already parsed (a config.json handed to a model factory); <paramref name="path"/> names it in errors.</summary>
    public static JsonConfigFile Of(JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new JsonConfigFile(path, json, "");
    }

    /// <summary>Parses JSON read from <paramref name="stream"/> (at most <see cref="MaxBytes"/>); <paramref name="name"/> names it in errors.</summary>
    internal static JsonConfigFile Parse(Stream stream, string name)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[81920];
        for (int n; (n = stream.Read(buffer)) > 0;)
        {
            memory.Write(buffer, 0, n);
            if (memory.Length > MaxBytes) throw TooLarge(name, memory.Length);
        }
        return Parse(memory.ToArray(), name);
    }

    /// <summary>Parses <paramref name="path"/> with the size, encoding and syntax checks of <see cref="Read(string)"/>; the caller disposes it.</summary>
    internal static JsonDocument ParseDocument(string path)
    {
        byte[] bytes = ReadChecked(path);
        CheckUtf8(bytes, path);
        try { return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth }); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
    }

    private static JsonConfigFile Parse(byte[] bytes, string name)
    {
        CheckUtf8(bytes, name);
        try
        {
            // A key twice in one object would only fail later, on first access, as an ArgumentException naming no file.
            var node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false })
                       ?? throw new InvalidDataException($"{name}: the file holds JSON null; expected a JSON object or array.");
            return new JsonConfigFile(name, node, "");
        }
        catch (JsonException e) { throw new InvalidDataException($"{name}: not valid JSON ({e.Message}).", e); }
    }

    private static byte[] ReadChecked(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"File not found: {path}", path);
        if (info.Length > MaxBytes) throw TooLarge(path, info.Length);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length > MaxBytes) throw TooLarge(path, bytes.Length);
        return bytes;
    }

    // Invalid UTF-8 inside a string would only fail later, when the value is read, with an exception naming no file.
    private static void CheckUtf8(byte[] bytes, string name)
    {
        try { StrictUtf8.GetCharCount(bytes); }
        catch (DecoderFallbackException e) { throw new InvalidDataException($"{name}: not UTF-8 text (byte offset {e.Index}); expected a JSON file.", e); }
    }

    private static InvalidDataException TooLarge(string name, long length) =>
        new($"{name}: {length} bytes; a JSON configuration file is expected to be at most {MaxBytes}.");

    /// <summary>The keys of this object, in file order.</summary>
    public IEnumerable<string> Keys => Object.Select(p => p.Key);

    /// <summary>True when <paramref name="key"/> is present with a value other than null.</summary>
    public bool Contains(string key) => Find(key) is not null;

    /// <summary>A string value, or null when absent.</summary>
    public string? GetString(string key) => Find(key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var n => throw Expected(key, "a string", n),
    };

    /// <summary>A boolean value, or null when absent.</summary>
    public bool? GetBoolean(string key) => Find(key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        var n => throw Expected(key, "true or false", n),
    };

    /// <summary>An integer that fits <see cref="int"/>, or null when absent.</summary>
    public int? GetInt32(string key) => GetInteger(key, int.MinValue, int.MaxValue, "a 32-bit integer") is long v ? (int)v : null;

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or null when absent.</summary>
    internal int? GetInt32(string key, int min, int max = int.MaxValue) =>
        GetInteger(key, min, max, $"an integer in {min}..{max}") is long v ? (int)v : null;

    /// <summary>An integer that fits <see cref="long"/>, or null when absent.</summary>
    public long? GetInt64(string key) => GetInteger(key, long.MinValue, long.MaxValue, "a 64-bit integer");

    /// <summary>A number, or null when absent.</summary>
    public double? GetDouble(string key)
    {
        if (Find(key) is not { } n) return null;
        return n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && NumberOf(v) is double d && double.IsFinite(d)
            ? d : throw Expected(key, "a finite number", n);
    }

    /// <summary>
    /// A size limit as Hugging Face writes it (e.g. tokenizer_config.json's <c>model_max_length</c>): a positive integer,
    /// where absent, null or a value beyond <see cref="int.MaxValue"/> (transformers writes int(1e30) for "no limit")
    /// reads as null, meaning no limit.
    /// </summary>
    public int? GetLimit(string key)
    {
        if (Find(key) is not { } n) return null;
        if (n is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || NumberOf(v) is not double d || d != Math.Floor(d) || d < 1)
            throw Expected(key, "a positive integer (a length limit)", n);
        if (IntegerOf(v) is long exact) return exact <= int.MaxValue ? (int)exact : null;
        return null; // an integer too large even for long: "no limit"
    }

    /// <summary>A string, or an array of strings (e.g. pooling_mode: "mean" or ["cls", "mean"]); null when absent.</summary>
    public IReadOnlyList<string>? GetStrings(string key)
    {
        switch (Find(key))
        {
            case null: return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String: return new[] { v.GetValue<string>() };
            case JsonArray a:
                var list = new List<string>();
                foreach (var item in a)
                    list.Add(item is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : throw Expected($"{key}[{list.Count}]", "a string", item));
                return list;
            case var n: throw Expected(key, "a string or an array of strings", n);
        }
    }

    /// <summary>A nested object (its keys reported as "key.sub" in messages), or null when absent.</summary>
    public JsonConfigFile? GetObject(string key) => Find(key) switch
    {
        null => null,
        JsonObject o => new JsonConfigFile(Path, o, $"{_prefix}{key}."),
        var n => throw Expected(key, "an object", n),
    };

    /// <summary>An array of objects (element i reports its keys as "key[i].sub" in messages), or null when absent.</summary>
    public IReadOnlyList<JsonConfigFile>? GetObjectArray(string key)
    {
        if (Find(key) is not { } n) return null;
        if (n is not JsonArray a) throw Expected(key, "an array of objects", n);
        var list = new List<JsonConfigFile>();
        foreach (var item in a)
            list.Add(item is JsonObject o
                ? new JsonConfigFile(Path, o, $"{_prefix}{key}[{list.Count}].")
                : throw Expected($"{key}[{list.Count}]", "an object", item));
        return list;
    }

    /// <summary>The value of <paramref name="key"/> as raw JSON (for values whose shape varies), or null when absent.</summary>
    public JsonElement? GetElement(string key) => Find(key) is { } n ? JsonSerializer.SerializeToElement(n) : null;

    /// <summary>An error about this file and key, for checks the caller makes on a value (ranges, allowed names).</summary>
    public InvalidDataException Error(string key, string message) => new($"{Path}: '{_prefix}{key}' {message}");

    /// <summary>The error for <paramref name="key"/> holding <paramref name="got"/> where <paramref name="what"/> was expected.</summary>
    internal InvalidDataException Expected(string key, string what, JsonNode? got)
    {
        string raw = got?.ToJsonString() ?? "nothing";
        if (raw.Length > 60) raw = raw[..57] + "...";
        return Error(key, got is null ? $"must be {what}, got nothing." : $"must be {what}, got {Kind(got)} {raw}.");
    }

    /// <summary>config.json's model_type, or <paramref name="fallback"/> when absent.</summary>
    internal static string ModelType(JsonObject o, string fallback, string path) => Of(o, path).GetString("model_type") ?? fallback;

    /// <summary>Writes <paramref name="node"/> indented through <paramref name="sink"/>.</summary>
    internal static void Write(IModelFileSink sink, string path, JsonNode node) =>
        sink.Write(path, s =>
        {
            using var writer = new Utf8JsonWriter(s, new JsonWriterOptions { Indented = true });
            node.WriteTo(writer);
        });

    private long? GetInteger(string key, long min, long max, string expected)
    {
        if (Find(key) is not { } n) return null;
        if (n is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (IntegerOf(v) is long l && l >= min && l <= max) return l;
            // 512.0 is an integer written by a tool that only knows doubles.
            if (IntegerOf(v) is null && NumberOf(v) is double d && d == Math.Floor(d) && Math.Abs(d) < 9e18 && d >= min && d <= max) return (long)d;
        }
        throw Expected(key, expected, n);
    }

    // Parsed and code-built values alike (a JsonValue made from an int does not convert to long or double itself).
    private static long? IntegerOf(JsonValue v) =>
        long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? l : null;

    private static double? NumberOf(JsonValue v) =>
        double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null;

    private JsonNode? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Object[key];
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind().ToString().ToLowerInvariant(),
        _ => "value",
    };
}
