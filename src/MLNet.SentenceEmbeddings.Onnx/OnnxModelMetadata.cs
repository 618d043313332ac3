using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>Numeric precision of an exported ONNX graph.</summary>
public enum OnnxPrecision
{
    /// <summary>float32 throughout (equal to the TorchSharp encoder to ~1e-6).</summary>
    Float32,
    /// <summary>
    /// Dynamic int8: the encoder's Linear weights int8 per output channel, their inputs quantized per batch at run time;
    /// embeddings, LayerNorm, softmax, pooling and the rest stay float32.
    /// </summary>
    Int8,
}

/// <summary>
/// The model description an exported ONNX file carries in its metadata_props (string keys and values), so that the
/// file alone is enough to embed text: pooling, normalisation, width, maximum length, lower-casing, the vocabulary,
/// prompts, and who wrote it. ONNX Runtime shows the same pairs as ModelMetadata.CustomMetadataMap.
/// </summary>
public sealed record OnnxModelMetadata
{
    /// <summary>The metadata_props keys.</summary>
    public static class Keys
    {
        public const string Pooling = "pooling";
        public const string Normalize = "normalize";
        public const string Dimension = "dimension";
        public const string MaxSequenceLength = "max_seq_length";
        public const string DoLowerCase = "do_lower_case";
        public const string ModelType = "model_type";
        public const string Prompts = "prompts";
        public const string DefaultPromptName = "default_prompt_name";
        public const string Precision = "precision";
        public const string Output = "output";
        public const string Modules = "modules";
        public const string Library = "library";
        public const string LibraryVersion = "library_version";
        public const string Source = "source";
        /// <summary>The WordPiece vocabulary (vocab.txt's content), so the file alone can tokenize.</summary>
        public const string Vocabulary = "vocab.txt";
    }

    /// <summary>The library name written under <see cref="Keys.Library"/>.</summary>
    public const string LibraryName = "MLNet.SentenceEmbeddings";

    public required PoolingMode Pooling { get; init; }
    public required bool Normalize { get; init; }
    /// <summary>Width of the graph's output vectors (the sentence embedding, or the token vectors of a transformer-only graph).</summary>
    public required int Dimension { get; init; }
    public required int MaxSequenceLength { get; init; }
    public required bool DoLowerCase { get; init; }
    public required string ModelType { get; init; }
    public required OnnxPrecision Precision { get; init; }
    /// <summary>The graph's output: "sentence_embedding" (B, D) or "last_hidden_state" (B, T, H).</summary>
    public required string Output { get; init; }
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();
    public string? DefaultPromptName { get; init; }
    /// <summary>The modules inside the graph, as JSON (for people reading the file; not parsed back).</summary>
    public string Modules { get; init; } = "[]";
    public string LibraryVersion { get; init; } = CurrentLibraryVersion;
    public string Source { get; init; } = "";
    /// <summary>The WordPiece vocabulary, or null when the export left it out.</summary>
    public string? VocabText { get; init; }

    /// <summary>This assembly's informational version (what new exports write).</summary>
    public static string CurrentLibraryVersion { get; } =
        typeof(OnnxModelMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxModelMetadata).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The key/value pairs to write as metadata_props, in a stable order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToProperties()
    {
        var p = new List<KeyValuePair<string, string>>();
        void Add(string k, string v) => p.Add(new(k, v));
        Add(Keys.Pooling, PoolingModes.ToName(Pooling));
        Add(Keys.Normalize, Normalize ? "true" : "false");
        Add(Keys.Dimension, Dimension.ToString(CultureInfo.InvariantCulture));
        Add(Keys.MaxSequenceLength, MaxSequenceLength.ToString(CultureInfo.InvariantCulture));
        Add(Keys.DoLowerCase, DoLowerCase ? "true" : "false");
        Add(Keys.ModelType, ModelType);
        Add(Keys.Precision, Precision == OnnxPrecision.Int8 ? "int8" : "fp32");
        Add(Keys.Output, Output);
        var prompts = new JsonObject();
        foreach (var (k, v) in Prompts) prompts[k] = v;
        Add(Keys.Prompts, prompts.ToJsonString());
        if (DefaultPromptName is not null) Add(Keys.DefaultPromptName, DefaultPromptName);
        Add(Keys.Modules, Modules);
        Add(Keys.Library, LibraryName);
        Add(Keys.LibraryVersion, LibraryVersion);
        Add(Keys.Source, Source);
        if (VocabText is not null) Add(Keys.Vocabulary, VocabText);
        return p;
    }

    /// <summary>Reads the pairs back; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="InvalidDataException">A key is missing or malformed; the message names the key and the file.</exception>
    public static OnnxModelMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        ArgumentNullException.ThrowIfNull(properties);
        string Get(string key) => properties.TryGetValue(key, out var v)
            ? v
            : throw new InvalidDataException($"{source}: metadata_props has no '{key}'; expected an ONNX file exported by {LibraryName} (ExportOnnx).");
        int Int(string key)
        {
            string v = Get(key);
            return int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i > 0
                ? i : throw new InvalidDataException($"{source}: metadata '{key}' is '{v}', expected a positive integer.");
        }
        bool Bool(string key) => Get(key) switch
        {
            "true" => true,
            "false" => false,
            var v => throw new InvalidDataException($"{source}: metadata '{key}' is '{v}', expected true or false."),
        };
        PoolingMode pooling;
        try { pooling = PoolingModes.Parse(Get(Keys.Pooling), Keys.Pooling); }
        catch (ArgumentException e) { throw new InvalidDataException($"{source}: metadata '{Keys.Pooling}': {e.Message}", e); }
        var precision = Get(Keys.Precision) switch
        {
            "fp32" => OnnxPrecision.Float32,
            "int8" => OnnxPrecision.Int8,
            var v => throw new InvalidDataException($"{source}: metadata '{Keys.Precision}' is '{v}', expected fp32 or int8."),
        };
        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (properties.TryGetValue(Keys.Prompts, out var promptsJson))
        {
            try
            {
                foreach (var (k, v) in JsonNode.Parse(promptsJson)?.AsObject() ?? new JsonObject())
                    prompts[k] = v?.GetValue<string>() ?? "";
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
            { throw new InvalidDataException($"{source}: metadata '{Keys.Prompts}' is not a JSON object of strings ({e.Message}).", e); }
        }
        return new OnnxModelMetadata
        {
            Pooling = pooling,
            Normalize = Bool(Keys.Normalize),
            Dimension = Int(Keys.Dimension),
            MaxSequenceLength = Int(Keys.MaxSequenceLength),
            DoLowerCase = Bool(Keys.DoLowerCase),
            ModelType = Get(Keys.ModelType),
            Precision = precision,
            Output = Get(Keys.Output),
            Prompts = prompts,
            DefaultPromptName = properties.GetValueOrDefault(Keys.DefaultPromptName),
            Modules = properties.GetValueOrDefault(Keys.Modules) ?? "[]",
            LibraryVersion = properties.GetValueOrDefault(Keys.LibraryVersion) ?? "unknown",
            Source = properties.GetValueOrDefault(Keys.Source) ?? "",
            VocabText = properties.GetValueOrDefault(Keys.Vocabulary),
        };
    }

    /// <summary>Reads the metadata of an ONNX file without running it.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">Not an ONNX file, or not one this library exported.</exception>
    public static OnnxModelMetadata Read(string path)
    {
        var model = OnnxFiles.Read(path);
        return FromProperties(model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), path);
    }
}
