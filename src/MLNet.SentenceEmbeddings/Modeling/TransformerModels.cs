using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>Builds the <see cref="TransformerModel"/> that a Hugging Face config.json describes, by its <c>model_type</c>.</summary>
public static class TransformerModels
{
    /// <summary>The model types this library builds (BERT-compatible spellings included).</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = new[] { "bert", "minilm", "distilbert", "roberta", "xlm-roberta", "mpnet" };

    /// <summary>Whether config.json describes a BERT (model_type bert or minilm, or none).</summary>
    internal static bool IsBert(JsonObject config, string source) => JsonConfigFile.ModelType(config, "bert", source) is "bert" or "minilm";

    /// <summary>A randomly initialised model for <paramref name="config"/> (weights are loaded afterwards).</summary>
    /// <param name="config">The parsed config.json.</param>
    /// <param name="source">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">Unknown model_type or invalid values; the message names <paramref name="source"/>.</exception>
    public static TransformerModel Create(JsonObject config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        string type = JsonConfigFile.ModelType(config, "bert", source);
        return type switch
        {
            "bert" or "minilm" => new BertModel(BertConfig.FromJson(config, source)),
            "distilbert" => new DistilBertModel(DistilBertConfig.FromJson(config, source)),
            "roberta" or "xlm-roberta" => new RobertaModel(RobertaConfig.FromJson(config, source)),
            "mpnet" => new MPNetModel(MPNetConfig.FromJson(config, source)),
            _ => throw new InvalidDataException(
                $"{source}: model_type '{type}' is not supported (supported: {string.Join(", ", SupportedTypes)})."),
        };
    }
}
