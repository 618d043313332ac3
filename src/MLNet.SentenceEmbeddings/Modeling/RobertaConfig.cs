using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of a RoBERTa (Liu et al. 2019) or XLM-RoBERTa (Conneau et al. 2020) encoder, read from and written
/// to a Hugging Face <c>config.json</c>. The keys are BERT's; what differs is the position rule (positions start after
/// the padding index, so <see cref="MaxSequenceLength"/> is max_position_embeddings - pad_token_id - 1) and the defaults,
/// which are Hugging Face's RobertaConfig / XLMRobertaConfig ones (published checkpoints set every key themselves).
/// </summary>
public sealed record RobertaConfig : BertFamilyConfig
{
    /// <summary>RobertaConfig's defaults: the GPT-2 BPE vocabulary; pad_token_id is the padding index, pads get this position, real tokens pad_token_id + 1, + 2, ...</summary>
    public RobertaConfig()
    {
        VocabSize = 50265;
        PadTokenId = 1;
    }

    public string ModelType { get; init; } = "roberta";
    /// <summary>Rows of token_type_embeddings (1 in published RoBERTa checkpoints); only row 0 is ever used.</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>Longest input the position table allows.</summary>
    public int MaxSequenceLength => MaxPositionEmbeddings - PadTokenId - 1;

    /// <summary>Throws when the values cannot describe a working encoder.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(ModelType is "roberta" or "xlm-roberta", $"model_type '{ModelType}' is not RoBERTa (expected \"roberta\" or \"xlm-roberta\").");
        Require(VocabSize > 0, $"vocab_size must be positive, got {VocabSize}.");
        this.ValidateLayers(source);
        Require(TypeVocabSize > 0, $"type_vocab_size must be positive, got {TypeVocabSize}.");
        Require(PadTokenId >= 0 && PadTokenId < VocabSize, $"pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}.");
        Require(MaxSequenceLength > 0,
            $"max_position_embeddings ({MaxPositionEmbeddings}) leaves no position after the padding index {PadTokenId}.");
    }

    /// <summary>Reads the keys of a parsed config.json; missing keys keep Hugging Face's defaults for its model_type.</summary>
    /// <param name="json">The parsed config.json.</param>
    /// <param name="path">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">model_type is not roberta or xlm-roberta, or a value is invalid.</exception>
    public static RobertaConfig FromJson(JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        string type = JsonConfigFile.ModelType(json, "roberta", path);
        // XLMRobertaConfig's default vocabulary is BERT's size, RobertaConfig's the GPT-2 BPE size.
        var d = type == "xlm-roberta" ? new RobertaConfig { VocabSize = 30522 } : new RobertaConfig();
        var file = JsonConfigFile.Of(json, path);
        var config = WithSharedKeys(file, d) with
        {
            ModelType = type,
            TypeVocabSize = file.Size("type_vocab_size", d.TypeVocabSize, BertLayerSizes.MaxTypeVocabSize),
        };
        config.Validate(path);
        return config;
    }

    /// <summary>The config.json content Hugging Face's RobertaConfig / XLMRobertaConfig reads.</summary>
    public JsonObject ToJson()
    {
        var json = SharedKeys(ModelType == "xlm-roberta" ? "XLMRobertaModel" : "RobertaModel", ModelType);
        json["type_vocab_size"] = TypeVocabSize;
        json["position_embedding_type"] = "absolute";
        return json;
    }
}
