using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Builds the <see cref="TransformerModel"/> that a Hugging Face config.json describes, by its <c>model_type</c>.</summary>
public static class TransformerModels
{
    /// <summary>The model types this library builds (BERT-compatible spellings included).</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = new[] { "bert", "minilm" };

    /// <summary>A randomly initialised model for <paramref name="config"/> (weights are loaded afterwards).</summary>
    /// <param name="config">The parsed config.json.</param>
    /// <param name="source">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">Unknown model_type or invalid values; the message names <paramref name="source"/>.</exception>
    public static TransformerModel Create(JsonObject config, string source)
    {
        string type = config["model_type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "bert";
        return type switch
        {
            "bert" or "minilm" => new BertModel(BertConfig.FromJson(config, source)),
            _ => throw new InvalidDataException(
                $"{source}: model_type '{type}' is not supported (supported: {string.Join(", ", SupportedTypes)})."),
        };
    }
}
