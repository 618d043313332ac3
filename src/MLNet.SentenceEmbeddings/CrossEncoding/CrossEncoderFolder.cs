using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// A cross-encoder folder is a Hugging Face XxxForSequenceClassification folder (what sentence-transformers'
/// CrossEncoder saves and loads): config.json with architectures and id2label (the number of labels), the tokenizer
/// files, and model.safetensors with bert.* encoder keys, bert.pooler.dense.* and classifier.*.
/// </summary>
internal static class CrossEncoderFolder
{
    public const string Architecture = "BertForSequenceClassification";
    private const string PoolerPrefix = "bert.pooler.dense.";
    private const string ClassifierPrefix = "classifier.";
    /// <summary>The head's <see cref="CrossSentenceGate"/> biases (ours; Hugging Face's loaders skip the key).</summary>
    public const string GateBiasKey = "cross_sentence_gate.bias";
    private const string Sigmoid = "torch.nn.modules.activation.Sigmoid";
    private const string Identity = "torch.nn.modules.linear.Identity";
    /// <summary>config.json key naming a head that does not read [CLS] (ours; absent for Hugging Face's head).</summary>
    public const string PoolingKey = "mlnet_cross_encoder_pooling";
    /// <summary>config.json key marking a head that scores the cosine of the two sentences' vectors (ours; absent: false).</summary>
    public const string CompareSegmentsKey = "mlnet_cross_encoder_compare_segments";
    /// <summary>config.json key: how many lower layers read each sentence alone (ours; absent: 0, every layer reads the pair).</summary>
    public const string SeparateLayersKey = "mlnet_cross_encoder_separate_layers";

    /// <summary>
    /// The folder holding the transformer: the root of a cross-encoder or Hugging Face folder, or the Transformer
    /// module's path in a sentence-transformers folder (a bi-encoder to start a cross-encoder from).
    /// </summary>
    public static string TransformerFolder(IModelFileSource source)
    {
        if (source.Exists(TransformerModule.ConfigFile) || !source.Exists(SentenceModuleList.ModulesFile)) return "";
        var modules = JsonConfigFile.Read(source, SentenceModuleList.ModulesFile);
        var first = (modules.Root as JsonArray)?.FirstOrDefault() as JsonObject;
        string path = first?["path"] is JsonValue v && v.TryGetValue<string>(out var p) ? p : "";
        return ModelPath.CheckRelative(path, modules.Path);
    }

    /// <summary>
    /// What config.json says of a saved head, read once: its label count, what it reads (<see cref="PoolingKey"/>,
    /// [CLS] when absent), whether it compares the two sentences (<see cref="CompareSegmentsKey"/>) and how many lower
    /// layers read each sentence alone (<see cref="SeparateLayersKey"/>, 0 when absent; the caller checks it against
    /// the model's layers). Null when config.json does not declare a sequence classifier.
    /// </summary>
    public static SavedHead? ReadHead(IModelFileSource source, string folder)
    {
        var json = JsonConfigFile.Read(source, ModelPath.Join(folder, TransformerModule.ConfigFile));
        bool classifier = json.Object["architectures"] is JsonArray a
                          && a.Any(x => x is JsonValue v && v.TryGetValue<string>(out var s) && s.EndsWith("ForSequenceClassification", StringComparison.Ordinal));
        if (!classifier) return null;
        int labels = json.Object["id2label"] is JsonObject id2label && id2label.Count > 0
            ? id2label.Count
            : json.GetInt32("num_labels", 1, 1 << 16) ?? 2; // Hugging Face's PretrainedConfig default
        var pooling = PoolingMode.Cls;
        if (json.GetString(PoolingKey) is { } name)
        {
            try { pooling = PoolingModes.Parse(name, PoolingKey); }
            catch (ArgumentException e) { throw json.Error(PoolingKey, $"is not a pooling: {e.Message}"); }
        }
        int separate = json.GetInt32(SeparateLayersKey) ?? 0;
        if (separate < 0) throw json.Error(SeparateLayersKey, $"is {separate}; expected 0 or more layers");
        return new SavedHead(labels, pooling, json.GetBoolean(CompareSegmentsKey) ?? false, separate);
    }

    /// <summary>A saved head's settings (<see cref="ReadHead"/>).</summary>
    public sealed record SavedHead(int NumLabels, PoolingMode Pooling, bool CompareSegments, int SeparateLayers);

    /// <summary>Splits a sequence classifier's weights into the encoder's and the head's (keys dense.*, classifier.*, <see cref="GateBiasKey"/>).</summary>
    public static (Dictionary<string, NamedArray> Encoder, Dictionary<string, NamedArray> Head) Split(IReadOnlyDictionary<string, NamedArray> weights)
    {
        var encoder = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        var head = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (key, value) in weights)
        {
            string k = key.StartsWith("bert.", StringComparison.Ordinal) ? key : "bert." + key;
            if (key.StartsWith(ClassifierPrefix, StringComparison.Ordinal) || key == GateBiasKey) head[key] = value;
            else if (k.StartsWith(PoolerPrefix, StringComparison.Ordinal)) head["dense." + k[PoolerPrefix.Length..]] = value;
            else encoder[key] = value;
        }
        return (encoder, head);
    }

    /// <summary>Whether the weights carry BERT's pooler (bert.pooler.dense.* or pooler.dense.*).</summary>
    public static bool HasPooler(IReadOnlyDictionary<string, NamedArray> weights) =>
        weights.ContainsKey(PoolerPrefix + "weight") || weights.ContainsKey("pooler.dense.weight");

    /// <summary>Writes the Hugging Face sequence-classification layout through <paramref name="sink"/>.</summary>
    public static void Write(IModelFileSink sink, TransformerModule transformer, List<NamedArray> head, int numLabels, PoolingMode pooling, bool compareSegments,
        int separateLayers)
    {
        string prefix = transformer.Model.CheckpointPrefix;
        var weights = StateDict.Export(transformer.Model).Select(a => a with { Name = prefix + a.Name })
            .Concat(head.Select(a => a.Name.StartsWith("dense.", StringComparison.Ordinal) ? a with { Name = prefix + "pooler." + a.Name } : a))
            .ToArray();
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < numLabels; i++) { id2label[i.ToString()] = $"LABEL_{i}"; label2id[$"LABEL_{i}"] = i; }
        // What sentence-transformers' CrossEncoder applies to the logits: sigmoid for one label (a score in [0, 1]).
        string activation = numLabels == 1 ? Sigmoid : Identity;
        var extra = new JsonObject
        {
            ["architectures"] = new JsonArray(Architecture),
            ["id2label"] = id2label,
            ["label2id"] = label2id,
            ["sbert_ce_default_activation_function"] = activation,
            ["sentence_transformers"] = new JsonObject { ["activation_fn"] = activation },
        };
        if (pooling != PoolingMode.Cls) extra[PoolingKey] = PoolingModes.ToName(pooling);
        if (compareSegments) extra[CompareSegmentsKey] = true;
        if (separateLayers > 0) extra[SeparateLayersKey] = separateLayers;
        transformer.SaveWith(sink, "", weights, extra, sentenceBertConfig: false);
    }
}
