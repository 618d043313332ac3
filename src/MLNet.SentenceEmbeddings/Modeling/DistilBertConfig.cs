using System.Text.Json.Nodes;

using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// Hyper-parameters of a DistilBERT encoder (Sanh et al. 2019), read from and written to a Hugging Face
/// <c>config.json</c>. DistilBERT names its keys differently from BERT (dim, n_layers, hidden_dim, ...); the properties
/// keep those names so the file and the record read alike. Defaults are distilbert-base's (Hugging Face's DistilBertConfig).
/// </summary>
public sealed record DistilBertConfig
{
    public int VocabSize { get; init; } = 30522;
    /// <summary>Width of the token vectors (config.json "dim").</summary>
    public int Dim { get; init; } = 768;
    /// <summary>Transformer blocks ("n_layers").</summary>
    public int NLayers { get; init; } = 6;
    /// <summary>Attention heads ("n_heads").</summary>
    public int NHeads { get; init; } = 12;
    /// <summary>Width of the feed-forward block ("hidden_dim"; BERT's intermediate_size).</summary>
    public int HiddenDim { get; init; } = 3072;
    public string Activation { get; init; } = "gelu";
    /// <summary>Dropout on embeddings and feed-forward outputs ("dropout").</summary>
    public double Dropout { get; init; } = 0.1;
    /// <summary>Dropout on attention probabilities ("attention_dropout").</summary>
    public double AttentionDropout { get; init; } = 0.1;
    public int MaxPositionEmbeddings { get; init; } = 512;
    /// <summary>Fixed sine/cosine position table (Vaswani et al. 2017), not trained, instead of a learned one.</summary>
    public bool SinusoidalPosEmbds { get; init; }
    public int PadTokenId { get; init; }

    /// <summary>DistilBERT's LayerNorms use a fixed epsilon (Hugging Face's modeling code, not config.json).</summary>
    public const double LayerNormEps = 1e-12;

    public int HeadSize => Dim / NHeads;

    /// <summary>Throws when the values cannot describe a working encoder.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(VocabSize > 0, $"vocab_size must be positive, got {VocabSize}.");
        Require(Dim > 0 && NHeads > 0 && Dim % NHeads == 0, $"dim ({Dim}) must be a positive multiple of n_heads ({NHeads}).");
        Require(NLayers > 0, $"n_layers must be positive, got {NLayers}.");
        Require(HiddenDim > 0, $"hidden_dim must be positive, got {HiddenDim}.");
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings must be positive, got {MaxPositionEmbeddings}.");
        Require(PadTokenId >= 0 && PadTokenId < VocabSize, $"pad_token_id {PadTokenId} is outside the vocabulary of {VocabSize}.");
        Require(Activations.IsSupported(Activation),
            $"activation '{Activation}' is not supported (expected {string.Join(", ", Activations.Supported)}).");
    }

    /// <summary>Reads the keys of a parsed config.json; missing keys keep distilbert-base defaults.</summary>
    /// <param name="json">The parsed config.json.</param>
    /// <param name="path">Names the file in errors.</param>
    /// <exception cref="InvalidDataException">model_type is not distilbert, or a value is invalid.</exception>
    public static DistilBertConfig FromJson(JsonObject json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        string type = JsonConfigFile.ModelType(json, "distilbert", path);
        if (type != "distilbert")
            throw new InvalidDataException($"{path}: model_type '{type}' is not DistilBERT (expected \"distilbert\").");
        var d = new DistilBertConfig();
        var file = JsonConfigFile.Of(json, path);
        // Sizes are capped as BERT's are (BertLayerSizes): a hostile config must not make the encoder allocate terabytes.
        var config = new DistilBertConfig
        {
            VocabSize = file.Size("vocab_size", d.VocabSize, BertLayerSizes.MaxVocabSize),
            Dim = file.Size("dim", d.Dim, BertLayerSizes.MaxHiddenSize),
            NLayers = file.Size("n_layers", d.NLayers, BertLayerSizes.MaxLayers),
            NHeads = file.Size("n_heads", d.NHeads, BertLayerSizes.MaxHiddenSize),
            HiddenDim = file.Size("hidden_dim", d.HiddenDim, BertLayerSizes.MaxIntermediateSize),
            Activation = file.GetString("activation") ?? d.Activation,
            Dropout = file.Probability("dropout", d.Dropout),
            AttentionDropout = file.Probability("attention_dropout", d.AttentionDropout),
            MaxPositionEmbeddings = file.Size("max_position_embeddings", d.MaxPositionEmbeddings, BertLayerSizes.MaxPositions),
            SinusoidalPosEmbds = file.GetBoolean("sinusoidal_pos_embds") ?? d.SinusoidalPosEmbds,
            PadTokenId = file.GetInt32("pad_token_id") ?? d.PadTokenId,
        };
        config.Validate(path);
        return config;
    }

    /// <summary>The config.json content Hugging Face's DistilBertConfig reads.</summary>
    public JsonObject ToJson() => new()
    {
        ["architectures"] = new JsonArray("DistilBertModel"),
        ["model_type"] = "distilbert",
        ["vocab_size"] = VocabSize,
        ["dim"] = Dim,
        ["n_layers"] = NLayers,
        ["n_heads"] = NHeads,
        ["hidden_dim"] = HiddenDim,
        ["activation"] = Activation,
        ["dropout"] = Dropout,
        ["attention_dropout"] = AttentionDropout,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["sinusoidal_pos_embds"] = SinusoidalPosEmbds,
        ["pad_token_id"] = PadTokenId,
    };
}
