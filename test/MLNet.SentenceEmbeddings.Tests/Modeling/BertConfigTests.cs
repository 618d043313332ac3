using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class BertConfigTests
{
    private static string WriteConfig(string json)
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    [TestMethod]
    public void SaveThenLoadGivesTheSameConfig()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "config.json");
        var config = Fixtures.TinyConfig with { HiddenAct = "gelu_new", LayerNormEps = 1e-7, PadTokenId = 3 };
        config.Save(path);
        Assert.AreEqual(config, BertConfig.Load(path));
    }

    [TestMethod]
    public void MissingKeysKeepBertBaseDefaults() => Assert.AreEqual(new BertConfig(), BertConfig.Load(WriteConfig("{}")));

    [TestMethod]
    [DataRow("""{"hidden_size": "384"}""", "'hidden_size'", "32-bit integer")]
    [DataRow("""{"hidden_size": 99999999999}""", "'hidden_size'", "32-bit integer")]
    [DataRow("""{"hidden_size": 1048576, "num_attention_heads": 1}""", "'hidden_size'", "must be in 1..65536")]
    [DataRow("""{"num_hidden_layers": 100000}""", "'num_hidden_layers'", "must be in 1..1024")]
    [DataRow("""{"vocab_size": 0}""", "'vocab_size'", "must be in 1..")]
    [DataRow("""{"hidden_act": 1}""", "'hidden_act'", "a string")]
    [DataRow("""{"hidden_act": "swish"}""", "hidden_act 'swish'", "not supported")]
    [DataRow("""{"layer_norm_eps": "1e-12"}""", "'layer_norm_eps'", "a finite number")]
    [DataRow("""{"layer_norm_eps": -1}""", "'layer_norm_eps'", "(0, 1)")]
    [DataRow("""{"hidden_dropout_prob": 1.5}""", "'hidden_dropout_prob'", "probability")]
    [DataRow("""{"pad_token_id": 30522}""", "'pad_token_id'", "0..30521")]
    [DataRow("""{"model_type": ["bert"]}""", "'model_type'", "a string")]
    [DataRow("""{"model_type": "gpt2"}""", "model_type 'gpt2'", "BERT-family")]
    [DataRow("""{"hidden_size": 100, "num_attention_heads": 12}""", "hidden_size (100)", "multiple")]
    [DataRow("""[1]""", "config.json", "expected an object")]
    [DataRow("""{"a": """, "config.json", "not valid JSON")]
    public void BadValuesNameTheFileAndTheKey(string json, string key, string expected)
    {
        string path = WriteConfig(json);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BertConfig.Load(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, key);
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void TheEmbeddedModelsConfigsLoad()
    {
        foreach (var model in PretrainedModels.All)
        {
            string folder = PretrainedModels.EnsureConverted(model);
            var config = BertConfig.Load(Path.Combine(folder, global::MLNet.SentenceEmbeddings.Modules.TransformerModule.ConfigFile));
            Assert.AreEqual(model.Config, config, model.Name);
        }
    }
}
