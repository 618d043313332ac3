using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of an MPNet encoder (Song et al. 2020), read from and written to a Hugging Face <c>config.json</c>:
/// BERT's keys without token types, plus the number of relative-position buckets. Defaults are Hugging Face's MPNetConfig
/// (mpnet-base). Position ids follow RoBERTa's rule with Hugging Face's fixed padding index 1 (see <see cref="PaddingIdx"/>).
/// </summary>
public sealed record MPNetConfig : BertFamilyConfig
{
    /// <summary>MPNetConfig's defaults: mpnet-base's vocabulary; pad_token_id is written back to config.json, the model's padding index is <see cref="PaddingIdx"/>.</summary>
    public MPNetConfig()
    {
        VocabSize = 30527;
        PadTokenId = 1;
    }

    /// <summary>Rows of encoder.relative_attention_bias (32 in every published model; see <see cref="RelativeBuckets"/>).</summary>
    public int RelativeAttentionNumBuckets { get; init; } = 32;

    /// <summary>
    /// The padding index of the position table: Hugging Face's MPNetEmbeddings fixes it at 1 whatever pad_token_id says
    /// (1 in every MPNet vocabulary), so real tokens take positions 2, 3, ...
    /// </summary>
    public const int PaddingIdx = 1;

    /// <summary>
    /// How many buckets relative distances fall into: Hugging Face's compute_position_bias uses 32 whatever
    /// relative_attention_num_buckets says (the two agree in every published model), and so do we.
    /// </summary>
    public const int RelativeBuckets = 32;

    /// <summary>Distances from this one on share the last bucket of their direction (MPNet's max_distance).</summary>
    public const int RelativeMaxDistance = 128;

    /// <summary>Longest input the position table allows.</summary>
    public int MaxSequenceLength => MaxPositionEmbeddings - PaddingIdx - 1;

    /// <summary>Throws when the values cannot describe a working encoder.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(VocabSize > PaddingIdx, $"vocab_size must exceed the padding index {PaddingIdx}, got {VocabSize}.");
        this.ValidateLayers(source);
        Require(MaxSequenceLength > 0,
            $"max_position_embeddings ({MaxPositionEmbeddings}) leaves no position after the padding index {PaddingIdx}.");
        Require(RelativeAttentionNumBuckets >= RelativeBuckets,
            $"relative_attention_num_buckets must be at least {RelativeBuckets} (the buckets MPNet uses), got {RelativeAttentionNumBuckets}.");
    }

    /// <summary>Reads the keys of a parsed config.json; missing keys keep mpnet-base defaults.</summary>
    /// <param name="json">The parsed config.json.</param>
    /// <param name="path">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">model_type is not mpnet, or a value is invalid.</exception>
    public static MPNetConfig FromJson(JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        string type = JsonConfigFile.ModelType(json, "mpnet", path);
        if (type != "mpnet") throw new InvalidDataException($"{path}: model_type '{type}' is not MPNet (expected \"mpnet\").");
        var d = new MPNetConfig();
        var file = JsonConfigFile.Of(json, path);
        var config = WithSharedKeys(file, d) with
        {
            RelativeAttentionNumBuckets = file.GetInt32("relative_attention_num_buckets") ?? d.RelativeAttentionNumBuckets,
        };
        config.Validate(path);
        return config;
    }

    /// <summary>The config.json content Hugging Face's MPNetConfig reads.</summary>
    public JsonObject ToJson()
    {
        var json = SharedKeys("MPNetModel", "mpnet");
        json["relative_attention_num_buckets"] = RelativeAttentionNumBuckets;
        return json;
    }
}
