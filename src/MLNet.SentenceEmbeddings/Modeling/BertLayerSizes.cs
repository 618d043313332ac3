using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// What BERT, RoBERTa and MPNet configs share: the layers built from their sizes, the checks of those sizes, and the
/// capped readers of config.json values that <see cref="BertFamilyConfig"/> and each architecture's own keys use, so
/// that a hostile file cannot size an encoder of terabytes.
/// </summary>
internal static class BertLayerSizes
{
    // Far above any BERT-family model (XLM-R: vocabulary 250k, hidden 1024, 24 layers): 16M tokens, hidden 64k,
    // 1024 layers, 1M intermediate, 1M positions, 64k token types.
    public const int MaxVocabSize = 1 << 24, MaxHiddenSize = 1 << 16, MaxLayers = 1 << 10, MaxIntermediateSize = 1 << 20,
        MaxPositions = 1 << 20, MaxTypeVocabSize = 1 << 16;

    /// <summary>The same sizes as a <see cref="BertConfig"/>, which the BERT layer modules take.</summary>
    public static BertConfig LayerConfig(this BertFamilyConfig c) => new()
    {
        VocabSize = c.VocabSize, HiddenSize = c.HiddenSize, NumHiddenLayers = c.NumHiddenLayers, NumAttentionHeads = c.NumAttentionHeads,
        IntermediateSize = c.IntermediateSize, HiddenAct = c.HiddenAct, HiddenDropoutProb = c.HiddenDropoutProb,
        AttentionProbsDropoutProb = c.AttentionProbsDropoutProb, LayerNormEps = c.LayerNormEps,
    };

    /// <summary>Throws unless the layer sizes can build working layers; the message names <paramref name="source"/>.</summary>
    public static void ValidateLayers(this BertFamilyConfig c, string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(c.HiddenSize > 0 && c.NumAttentionHeads > 0 && c.HiddenSize % c.NumAttentionHeads == 0,
            $"hidden_size ({c.HiddenSize}) must be a positive multiple of num_attention_heads ({c.NumAttentionHeads}).");
        Require(c.NumHiddenLayers > 0, $"num_hidden_layers must be positive, got {c.NumHiddenLayers}.");
        Require(c.IntermediateSize > 0, $"intermediate_size must be positive, got {c.IntermediateSize}.");
        Require(Activations.IsSupported(c.HiddenAct),
            $"hidden_act '{c.HiddenAct}' is not supported (expected {string.Join(", ", Activations.Supported)}).");
    }

    /// <summary>A size in 1..<paramref name="max"/>, checked before anything is built from it; <paramref name="fallback"/> when absent.</summary>
    public static int Size(this JsonConfigFile json, string key, int fallback, int max)
    {
        int v = json.GetInt32(key) ?? fallback;
        if (v < 1 || v > max) throw json.Error(key, $"must be in 1..{max}, got {v}.");
        return v;
    }

    /// <summary>A dropout probability in [0, 1); <paramref name="fallback"/> when absent.</summary>
    public static double Probability(this JsonConfigFile json, string key, double fallback)
    {
        double v = json.GetDouble(key) ?? fallback;
        if (v is < 0 or >= 1) throw json.Error(key, $"must be a probability in [0, 1), got {v}.");
        return v;
    }

    /// <summary>layer_norm_eps in (0, 1); <paramref name="fallback"/> when absent.</summary>
    public static double LayerNormEps(this JsonConfigFile json, double fallback)
    {
        double v = json.GetDouble("layer_norm_eps") ?? fallback;
        if (!(v > 0 && v < 1)) throw json.Error("layer_norm_eps", $"must be in (0, 1), got {v}.");
        return v;
    }
}
