using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// A JSON configuration file (config.json, tokenizer_config.json, 1_Pooling/config.json, ...) read for typed values.
/// Every error is an <see cref="InvalidDataException"/> that names the file, the key and the type expected.
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

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly JsonElement _object;
    private readonly string _prefix;

    private JsonConfigFile(string path, JsonElement obj, string prefix)
    {
        Path = path;
        _object = obj;
        _prefix = prefix;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Where this object sits in the file ("" for the root, "model." for a nested object): prefixes keys in messages.</summary>
    public string KeyPrefix => _prefix;

    /// <summary>Reads a file whose top level is a JSON object.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Too large, not UTF-8, not JSON, or not an object; the message names the file.</exception>
    public static JsonConfigFile Read(string path)
    {
        using var document = ParseDocument(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: the top level is a JSON {Kind(root)}, expected an object.");
        return new JsonConfigFile(path, root.Clone(), "");
    }

    /// <summary>An object already parsed (config.json handed to <see cref="Modeling.TransformerModels.Create"/>); <paramref name="path"/> names it in errors.</summary>
    public static JsonConfigFile Of(System.Text.Json.Nodes.JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json.ToJsonString());
        return new JsonConfigFile(path, document.RootElement.Clone(), "");
    }

    /// <summary><see cref="Read"/>, or null when the file does not exist.</summary>
    public static JsonConfigFile? TryRead(string path) => File.Exists(path) ? Read(path) : null;

    /// <summary>Reads a file whose top level is an array of objects (modules.json); element i reports its keys as "[i].key".</summary>
    public static IReadOnlyList<JsonConfigFile> ReadArray(string path)
    {
        using var document = ParseDocument(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: the top level is a JSON {Kind(root)}, expected an array of objects.");
        var items = new List<JsonConfigFile>();
        int i = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: element [{i}] is a JSON {Kind(item)}, expected an object.");
            items.Add(new JsonConfigFile(path, item.Clone(), $"[{i}]."));
            i++;
        }
        return items;
    }

    /// <summary>The keys of this object, in file order.</summary>
    public IEnumerable<string> Keys => _object.EnumerateObject().Select(p => p.Name);

    /// <summary>True when <paramref name="key"/> is present with a value other than null.</summary>
    public bool Contains(string key) => Find(key) is not null;

    /// <summary>A string value, or null when absent.</summary>
    public string? GetString(string key) => Find(key) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Wrong(key, v, "a string")
        : null;

    /// <summary>A boolean value, or null when absent.</summary>
    public bool? GetBoolean(string key) => Find(key) is { } v
        ? v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Wrong(key, v, "true or false") }
        : null;

    /// <summary>An integer that fits <see cref="int"/>, or null when absent.</summary>
    public int? GetInt32(string key) => GetInteger(key, int.MinValue, int.MaxValue, "a 32-bit integer") is long v ? (int)v : null;

    /// <summary>An integer that fits <see cref="long"/>, or null when absent.</summary>
    public long? GetInt64(string key) => GetInteger(key, long.MinValue, long.MaxValue, "a 64-bit integer");

    /// <summary>A number, or null when absent.</summary>
    public double? GetDouble(string key)
    {
        if (Find(key) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d)) throw Wrong(key, v, "a finite number");
        return d;
    }

    /// <summary>
    /// A size limit as Hugging Face writes it (e.g. tokenizer_config.json's <c>model_max_length</c>): a positive integer,
    /// where absent, null or a value beyond <see cref="int.MaxValue"/> (transformers writes int(1e30) for "no limit")
    /// reads as null, meaning no limit.
    /// </summary>
    public int? GetLimit(string key)
    {
        if (Find(key) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || d != Math.Floor(d) || d < 1)
            throw Wrong(key, v, "a positive integer (a length limit)");
        if (v.TryGetInt64(out long exact)) return exact <= int.MaxValue ? (int)exact : null;
        return null; // an integer too large even for long: "no limit"
    }

    /// <summary>A string, or an array of strings (e.g. pooling_mode: "mean" or ["cls", "mean"]); null when absent.</summary>
    public IReadOnlyList<string>? GetStrings(string key)
    {
        if (Find(key) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.String) return new[] { v.GetString()! };
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(key, v, "a string or an array of strings");
        var list = new List<string>();
        foreach (var item in v.EnumerateArray())
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong($"{key}[{list.Count}]", item, "a string"));
        return list;
    }

    /// <summary>A nested object (its keys reported as "key.sub" in messages), or null when absent.</summary>
    public JsonConfigFile? GetObject(string key) => Find(key) is { } v
        ? v.ValueKind == JsonValueKind.Object ? new JsonConfigFile(Path, v, $"{_prefix}{key}.") : throw Wrong(key, v, "an object")
        : null;

    /// <summary>An array of objects (element i reports its keys as "key[i].sub" in messages), or null when absent.</summary>
    public IReadOnlyList<JsonConfigFile>? GetObjectArray(string key)
    {
        if (Find(key) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw Wrong(key, v, "an array of objects");
        var list = new List<JsonConfigFile>();
        foreach (var item in v.EnumerateArray())
            list.Add(item.ValueKind == JsonValueKind.Object
                ? new JsonConfigFile(Path, item, $"{_prefix}{key}[{list.Count}].")
                : throw Wrong($"{key}[{list.Count}]", item, "an object"));
        return list;
    }

    /// <summary>The value of <paramref name="key"/> as raw JSON (for values whose shape varies), or null when absent.</summary>
    public JsonElement? GetElement(string key) => Find(key);

    /// <summary>An error about this file and key, for checks the caller makes on a value (ranges, allowed names).</summary>
    public InvalidDataException Error(string key, string message) => new($"{Path}: '{_prefix}{key}' {message}");

    /// <summary>Parses <paramref name="path"/> with the size, encoding and syntax checks of <see cref="Read"/>; the caller disposes it.</summary>
    internal static JsonDocument ParseDocument(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"File not found: {path}", path);
        if (info.Length > MaxBytes) throw new InvalidDataException($"{path}: {info.Length} bytes; a JSON configuration file is expected to be at most {MaxBytes}.");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length > MaxBytes) throw new InvalidDataException($"{path}: {bytes.Length} bytes; a JSON configuration file is expected to be at most {MaxBytes}.");
        // Invalid UTF-8 inside a string would only fail later, in GetString, with an exception naming no file.
        try { StrictUtf8.GetCharCount(bytes); }
        catch (DecoderFallbackException e) { throw new InvalidDataException($"{path}: not UTF-8 text (byte offset {e.Index}); expected a JSON file.", e); }
        try { return JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
    }

    private long? GetInteger(string key, long min, long max, string expected)
    {
        if (Find(key) is not { } v) return null;
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out long l) && l >= min && l <= max) return l;
            // 512.0 is an integer written by a tool that only knows doubles.
            if (v.TryGetDouble(out double d) && d == Math.Floor(d) && d >= min && d <= max) return (long)d;
        }
        throw Wrong(key, v, expected);
    }

    private JsonElement? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _object.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    private InvalidDataException Wrong(string key, JsonElement value, string expected)
    {
        string raw = value.GetRawText();
        if (raw.Length > 60) raw = raw[..57] + "...";
        return new InvalidDataException($"{Path}: '{_prefix}{key}' must be {expected}, got {Kind(value)} {raw}.");
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();
}
