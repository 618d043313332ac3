using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// A cross-encoder folder is a Hugging Face BertForSequenceClassification folder (what sentence-transformers'
/// CrossEncoder saves and loads): config.json with architectures and id2label (the number of labels), vocab.txt,
/// tokenizer_config.json, and model.safetensors with bert.* encoder keys, bert.pooler.dense.* and classifier.*.
/// </summary>
internal static class CrossEncoderFolder
{
    public const string Architecture = "BertForSequenceClassification";
    private const string PoolerPrefix = "bert.pooler.dense.";
    private const string ClassifierPrefix = "classifier.";
    private const string Sigmoid = "torch.nn.modules.activation.Sigmoid";
    private const string Identity = "torch.nn.modules.linear.Identity";

    /// <summary>The number of labels a folder's config.json declares, or null when it is not a sequence classifier.</summary>
    public static int? ReadNumLabels(string folder)
    {
        string path = Path.Combine(folder, ModelFolder.ConfigFile);
        JsonNode? json;
        try { json = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
        bool classifier = json?["architectures"] is JsonArray a && a.Any(x => x?.GetValue<string>()?.EndsWith("ForSequenceClassification", StringComparison.Ordinal) == true);
        if (!classifier) return null;
        if (json!["id2label"] is JsonObject labels && labels.Count > 0) return labels.Count;
        return json["num_labels"]?.GetValue<int>() ?? 2; // Hugging Face's PretrainedConfig default
    }

    /// <summary>Splits a sequence classifier's weights into the encoder's and the head's (keys dense.*, classifier.*).</summary>
    public static (Dictionary<string, NamedArray> Encoder, Dictionary<string, NamedArray> Head) Split(IReadOnlyDictionary<string, NamedArray> weights)
    {
        var encoder = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        var head = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (key, value) in weights)
        {
            string k = key.StartsWith("bert.", StringComparison.Ordinal) ? key : "bert." + key;
            if (key.StartsWith(ClassifierPrefix, StringComparison.Ordinal)) head[key] = value;
            else if (k.StartsWith(PoolerPrefix, StringComparison.Ordinal)) head["dense." + k[PoolerPrefix.Length..]] = value;
            else encoder[key] = value;
        }
        return (encoder, head);
    }

    /// <summary>Whether the weights carry BERT's pooler (bert.pooler.dense.* or pooler.dense.*).</summary>
    public static bool HasPooler(IReadOnlyDictionary<string, NamedArray> weights) =>
        weights.ContainsKey(PoolerPrefix + "weight") || weights.ContainsKey("pooler.dense.weight");

    public static void Write(string folder, BertConfig config, string vocabText, bool doLowerCase, int maxSequenceLength,
                             List<NamedArray> encoder, List<NamedArray> head, int numLabels)
    {
        var weights = encoder.Select(a => a with { Name = "bert." + a.Name })
            .Concat(head.Select(a => a.Name.StartsWith("dense.", StringComparison.Ordinal) ? a with { Name = "bert.pooler." + a.Name } : a));
        ModelFolder.WriteTransformer(folder, config, vocabText, doLowerCase, maxSequenceLength, weights);
        string path = Path.Combine(folder, ModelFolder.ConfigFile);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["architectures"] = new JsonArray(Architecture);
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < numLabels; i++) { id2label[i.ToString()] = $"LABEL_{i}"; label2id[$"LABEL_{i}"] = i; }
        json["id2label"] = id2label;
        json["label2id"] = label2id;
        // What sentence-transformers' CrossEncoder applies to the logits: sigmoid for one label (a score in [0, 1]).
        string activation = numLabels == 1 ? Sigmoid : Identity;
        json["sbert_ce_default_activation_function"] = activation;
        json["sentence_transformers"] = new JsonObject { ["activation_fn"] = activation };
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
