using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Modeling;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class BertLayerSizesTests
{
    [TestMethod]
    public void RobertaAndMPNetLayersGetTheirOwnSizes()
    {
        var roberta = new RobertaConfig { VocabSize = 101, HiddenSize = 12, NumHiddenLayers = 3, NumAttentionHeads = 4, IntermediateSize = 40,
            HiddenAct = "gelu_new", HiddenDropoutProb = 0.2, AttentionProbsDropoutProb = 0.3, LayerNormEps = 1e-5 };
        var mpnet = new MPNetConfig { VocabSize = 102, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 8, IntermediateSize = 24,
            HiddenAct = "relu", HiddenDropoutProb = 0.05, AttentionProbsDropoutProb = 0.15, LayerNormEps = 1e-6 };
        foreach (BertFamilyConfig c in new BertFamilyConfig[] { roberta, mpnet })
        {
            var layers = c.LayerConfig();
            Assert.AreEqual((c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.HiddenAct),
                (layers.VocabSize, layers.HiddenSize, layers.NumHiddenLayers, layers.NumAttentionHeads, layers.IntermediateSize, layers.HiddenAct));
            Assert.AreEqual((c.HiddenDropoutProb, c.AttentionProbsDropoutProb, c.LayerNormEps),
                (layers.HiddenDropoutProb, layers.AttentionProbsDropoutProb, layers.LayerNormEps));
        }
    }

    /// <summary>
    /// The shared keys are read and written once (BertFamilyConfig) for three architectures: each keeps Hugging Face's
    /// own defaults for them, and a config with every key changed comes back equal from its own config.json.
    /// </summary>
    [TestMethod]
    public void EveryBertFamilyConfigKeepsItsDefaultsAndRoundTripsThroughConfigJson()
    {
        Assert.AreEqual((30522, 0), (new BertConfig().VocabSize, new BertConfig().PadTokenId));
        Assert.AreEqual((50265, 1), (new RobertaConfig().VocabSize, new RobertaConfig().PadTokenId));
        Assert.AreEqual((30527, 1), (new MPNetConfig().VocabSize, new MPNetConfig().PadTokenId));
        Assert.AreEqual(30522, RobertaConfig.FromJson(new JsonObject { ["model_type"] = "xlm-roberta" }, "x").VocabSize, "XLMRobertaConfig's default vocabulary");

        BertFamilyConfig Changed(BertFamilyConfig c) => c with { VocabSize = 1000, HiddenSize = 32, NumHiddenLayers = 3, NumAttentionHeads = 4,
            IntermediateSize = 64, HiddenAct = "relu", HiddenDropoutProb = 0.05, AttentionProbsDropoutProb = 0.15, MaxPositionEmbeddings = 130,
            LayerNormEps = 1e-7, PadTokenId = 3 };
        var bert = (BertConfig)Changed(new BertConfig { TypeVocabSize = 4 });
        var roberta = (RobertaConfig)Changed(new RobertaConfig { ModelType = "xlm-roberta", TypeVocabSize = 1 });
        var mpnet = (MPNetConfig)Changed(new MPNetConfig { RelativeAttentionNumBuckets = 40 });
        Assert.AreEqual(bert, BertConfig.FromJson(bert.ToJson(), "bert/config.json"));
        Assert.AreEqual(roberta, RobertaConfig.FromJson(roberta.ToJson(), "roberta/config.json"));
        Assert.AreEqual(mpnet, MPNetConfig.FromJson(mpnet.ToJson(), "mpnet/config.json"));
        Assert.AreEqual("XLMRobertaModel", roberta.ToJson()["architectures"]![0]!.GetValue<string>());
    }

    [TestMethod]
    [DataRow("roberta", "hidden_size", 1 << 20, "must be in 1..65536")]
    [DataRow("xlm-roberta", "vocab_size", 1 << 30, "must be in 1..16777216")]
    [DataRow("mpnet", "num_hidden_layers", 100_000, "must be in 1..1024")]
    [DataRow("mpnet", "intermediate_size", 0, "must be in 1..")]
    [DataRow("distilbert", "dim", 1 << 20, "must be in 1..65536")]
    [DataRow("distilbert", "max_position_embeddings", 1 << 30, "must be in 1..1048576")]
    public void EveryArchitectureRefusesHostileSizesNamingTheKey(string type, string key, int value, string expected)
    {
        var json = new JsonObject { ["model_type"] = type, [key] = value };
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TransformerModels.Create(json, "m/config.json"));
        StringAssert.Contains(e.Message, $"m/config.json: '{key}'");
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    [DataRow("roberta", "hidden_dropout_prob", 1.0, "probability")]
    [DataRow("mpnet", "attention_probs_dropout_prob", -0.1, "probability")]
    [DataRow("distilbert", "dropout", 1.5, "probability")]
    [DataRow("mpnet", "layer_norm_eps", 0.0, "(0, 1)")]
    public void EveryArchitectureRefusesImpossibleRatesNamingTheKey(string type, string key, double value, string expected)
    {
        var json = new JsonObject { ["model_type"] = type, [key] = value };
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TransformerModels.Create(json, "m/config.json"));
        StringAssert.Contains(e.Message, $"'{key}'");
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void TheSharedLayerCheckNamesTheSource()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new MPNetConfig { HiddenSize = 10, NumAttentionHeads = 4 }.Validate("cfg"));
        Assert.AreEqual("cfg: hidden_size (10) must be a positive multiple of num_attention_heads (4).", e.Message);
        e = Assert.ThrowsExactly<InvalidDataException>(() => new RobertaConfig { HiddenAct = "swish" }.Validate("cfg"));
        StringAssert.StartsWith(e.Message, "cfg: hidden_act 'swish' is not supported");
    }
}
