using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Evaluation;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// A sentence encoder's own settings (sentence-transformers' config_sentence_transformers.json): named prompts, the
/// prompt used when none is asked for, and the similarity function the model was trained with.
/// </summary>
public sealed record SentenceEncoderConfig
{
    public const string FileName = "config_sentence_transformers.json";

    /// <summary>Prompt texts by name ("query", "document", ...), prepended to the sentence before tokenization.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>();

    /// <summary>The prompt <see cref="SentenceEncoder.Encode(IReadOnlyList{string?}, CancellationToken)"/> uses when none is given; null for none.</summary>
    public string? DefaultPromptName { get; init; }

    /// <summary>What <see cref="SentenceEncoder.Similarity"/> computes (cosine unless the model says otherwise).</summary>
    public SimilarityFunction SimilarityFunction { get; init; } = SimilarityFunction.Cosine;

    /// <summary>Reads the file when the model has one; defaults otherwise.</summary>
    /// <exception cref="InvalidDataException">Malformed values; the message names the file and key.</exception>
    public static SentenceEncoderConfig Read(IModelFileSource source)
    {
        var json = JsonConfigFile.TryRead(source, FileName);
        if (json is null) return new SentenceEncoderConfig();
        var prompts = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (json.Object["prompts"])
        {
            case null: break;
            case JsonObject o:
                foreach (var (name, value) in o)
                    prompts[name] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : throw json.Expected($"prompts.{name}", "a string", value);
                break;
            case var other: throw json.Expected("prompts", "an object of name -> prompt text", other);
        }
        string? defaultName = json.GetString("default_prompt_name");
        if (defaultName is not null && !prompts.ContainsKey(defaultName))
            throw new InvalidDataException($"{json.Path}: default_prompt_name '{defaultName}' is not one of the prompts ({string.Join(", ", prompts.Keys)}).");
        var similarity = SimilarityFunction.Cosine;
        if (json.GetString("similarity_fn_name") is string fn)
        {
            try { similarity = SimilarityFunctions.Parse(fn, "similarity_fn_name"); }
            catch (ArgumentException e) { throw new InvalidDataException($"{json.Path}: {e.Message}", e); }
        }
        return new SentenceEncoderConfig { Prompts = prompts, DefaultPromptName = defaultName, SimilarityFunction = similarity };
    }

    public void Write(IModelFileSink sink)
    {
        var prompts = new JsonObject();
        foreach (var (k, v) in Prompts) prompts[k] = v;
        JsonConfigFile.Write(sink, FileName, new JsonObject
        {
            ["__version__"] = new JsonObject { ["mlnet_sentence_embeddings"] = typeof(SentenceEncoderConfig).Assembly.GetName().Version?.ToString() },
            ["model_type"] = "SentenceTransformer",
            ["prompts"] = prompts,
            ["default_prompt_name"] = DefaultPromptName,
            ["similarity_fn_name"] = SimilarityFunctions.ToName(SimilarityFunction),
        });
    }
}
