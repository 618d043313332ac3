using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Tests.Modeling;
using MLNet.SentenceEmbeddings.Tokenization;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modules;

[TestClass]
public class WeightedLayerPoolingModuleTests
{
    private const string Sentence = "the old cat sat on the warm mat";

    [TestMethod]
    [DataRow("bert")]
    [DataRow("roberta")]
    [DataRow("distilbert")]
    [DataRow("mpnet")]
    public void HiddenStatesAreTheEmbeddingsThenEveryLayerEndingWithTheForwardOutput(string modelType)
    {
        using var model = TinyArchitectures.Create(modelType);
        model.eval();
        using var scope = NewDisposeScope();
        var tokens = TinyArchitectures.Tokenizer.Encode(Sentence);
        using var batch = TokenBatch.Pad(new[] { tokens, TinyArchitectures.Tokenizer.Encode("a dog") }, padId: 0);
        var output = model.forward(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask);
        var states = model.HiddenStates(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask);
        Assert.AreEqual(model.LayerCount + 1, states.Length);
        Assert.AreEqual(2, model.LayerCount);
        Assert.IsTrue(states[^1].allclose(output, 0, 0), "the last hidden state is the forward output");
        for (int i = 1; i < states.Length; i++)
            Assert.IsFalse(states[i].allclose(states[i - 1], 0, 0), $"hidden state {i} repeats hidden state {i - 1}");
        if (model is BertModel bert)
            Assert.IsTrue(states[0].allclose(bert.Embeddings.forward(batch.InputIds, batch.TokenTypeIds), 0, 0), "the first hidden state is the embeddings' output");
    }

    [TestMethod]
    public void LayerWeightsAverageTheChosenHiddenStatesBeforePooling()
    {
        using var plain = Fixtures.Tiny(seed: 4);
        using var last = Fixtures.Tiny(seed: 4, new SentenceEncoderOptions { LayerWeights = [0, 0, 1] });
        using var mixed = Fixtures.Tiny(seed: 4, new SentenceEncoderOptions { LayerWeights = [0, 1, 3] });
        CollectionAssert.AreEqual(plain.Encode(Sentence), last.Encode(Sentence), "the last layer alone is the plain encoder");

        // (h1 + 3 h2) / 4 from the model's own hidden states, then MEAN over the tokens (one sentence: no padding).
        using var scope = NewDisposeScope();
        using var batch = TokenBatch.Pad(new[] { plain.Transformer.Tokenize(Sentence) }, padId: 0);
        var states = plain.Model.HiddenStates(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask);
        var expected = ((states[1] + 3 * states[2]) / 4).mean(new long[] { 1 })[0].data<float>().ToArray();
        var actual = mixed.Encode(Sentence);
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5f, $"component {i}");
        var module = mixed.Modules.Items[1] as WeightedLayerPoolingModule ?? throw new AssertFailedException("no WeightedLayerPooling after the Transformer");
        Assert.AreEqual(1, module.LayerStart, "the embeddings' zero weight is left out through layer_start");
        CollectionAssert.AreEqual(new float[] { 1, 3 }, module.LayerWeights);
        Assert.IsTrue(mixed.Transformer.OutputHiddenStates);
    }

    [TestMethod]
    public void TheWrongNumberOfWeightsFailsNamingLayerWeights()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Fixtures.Tiny(options: new SentenceEncoderOptions { LayerWeights = [0, 1] }));
        StringAssert.Contains(e.Message, "LayerWeights");
        StringAssert.Contains(e.Message, "expected 3");
    }

    [TestMethod]
    public void ParseWeightsReadsCommasAndRefusesWhatIsNotAWeight()
    {
        CollectionAssert.AreEqual(new float[] { 0, 1, 0.5f }, WeightedLayerPoolingModule.ParseWeights("0, 1,0.5"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => WeightedLayerPoolingModule.ParseWeights("0,x,1")).Message, "layer weight 2 ('x')");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => WeightedLayerPoolingModule.ParseWeights("0,0")).Message, "at least one weight must be positive");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => WeightedLayerPoolingModule.ParseWeights("1,-1")).Message, "not negative");
    }

    [TestMethod]
    public void ASavedEncoderKeepsItsLayerWeightsInTheSentenceTransformersLayout()
    {
        using var mixed = Fixtures.Tiny(seed: 4, new SentenceEncoderOptions { LayerWeights = [1, 0, 2] });
        string folder = Fixtures.NewTempDir();
        mixed.Save(folder);
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "modules.json")))!.AsArray();
        Assert.AreEqual(WeightedLayerPoolingModule.Type, (string?)modules[1]!["type"]);
        string layerFolder = Path.Combine(folder, (string)modules[1]!["path"]!);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(layerFolder, "config.json")))!;
        Assert.AreEqual(32, (int)config["word_embedding_dimension"]!);
        Assert.AreEqual(0, (int)config["layer_start"]!);
        Assert.AreEqual(2, (int)config["num_hidden_layers"]!);
        Assert.IsTrue((bool)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!["output_hidden_states"]!);

        using (var loaded = SentenceEncoder.Load(folder))
            CollectionAssert.AreEqual(mixed.Encode(Sentence), loaded.Encode(Sentence));

        // sentence-transformers needs output_hidden_states in config.json; a folder without it is still read whole.
        var transformerConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        transformerConfig.Remove("output_hidden_states");
        File.WriteAllText(Path.Combine(folder, "config.json"), transformerConfig.ToJsonString());
        using (var loaded = SentenceEncoder.Load(folder))
            CollectionAssert.AreEqual(mixed.Encode(Sentence), loaded.Encode(Sentence));
    }

    [TestMethod]
    public void AnInconsistentModuleFolderFailsNamingItsFile()
    {
        using var mixed = Fixtures.Tiny(seed: 4, new SentenceEncoderOptions { LayerWeights = [1, 0, 2] });
        string folder = Fixtures.NewTempDir();
        mixed.Save(folder);
        string layerFolder = Path.Combine(folder, "1_WeightedLayerPooling");
        string config = Path.Combine(layerFolder, "config.json"), original = File.ReadAllText(config);

        void Expect(string json, string message)
        {
            File.WriteAllText(config, json);
            var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(folder).Dispose());
            StringAssert.Contains(e.Message, "WeightedLayerPooling");
            StringAssert.Contains(e.Message, message);
        }
        Expect("""{"word_embedding_dimension": 32, "layer_start": 0, "num_hidden_layers": 6}""", "num_hidden_layers 6, but the Transformer has 2 layers");
        Expect("""{"word_embedding_dimension": 32, "layer_start": 3, "num_hidden_layers": 2}""", "layer_start 3 is past the last hidden state");
        Expect("""{"word_embedding_dimension": 64, "layer_start": 0, "num_hidden_layers": 2}""", "word_embedding_dimension 64");
        // One weight fewer than config.json promises.
        Expect("""{"word_embedding_dimension": 32, "layer_start": 1, "num_hidden_layers": 2}""", "layer_weights");
        File.WriteAllText(config, original);

        // After Pooling it would overwrite token vectors nobody reads any more.
        string modulesPath = Path.Combine(folder, "modules.json");
        var modules = JsonNode.Parse(File.ReadAllText(modulesPath))!.AsArray();
        (modules[1]!["idx"], modules[2]!["idx"]) = (2, 1);
        File.WriteAllText(modulesPath, modules.ToJsonString());
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(folder).Dispose()).Message, "must come right after it");
    }

    [TestMethod]
    public void TrainingMovesTheLayerWeights()
    {
        using var encoder = Fixtures.Tiny(seed: 3, new SentenceEncoderOptions { LayerWeights = [1, 1, 1] });
        var pairs = Enumerable.Range(0, 16).Select(i => TrainingExample.Pair($"the cat {i} is here", i % 2 == 0 ? "a cat is there" : "music plays", i % 2 == 0 ? 1.0 : 0.0)).ToList();
        new SiameseTrainer(encoder, new CosineSimilarityLoss(), new SiameseTrainingOptions { BatchSize = 4, LearningRate = 1e-2, Epochs = 2, Seed = 7 }).Train(pairs);
        var weights = ((WeightedLayerPoolingModule)encoder.Modules.Items[1]).LayerWeights;
        Assert.IsTrue(weights.Any(w => Math.Abs(w - 1) > 1e-4), $"layer weights unchanged: {string.Join(", ", weights)}");
    }

    [TestMethod]
    public void OnnxExportRefusesTheModuleNamingIt()
    {
        using var mixed = Fixtures.Tiny(seed: 4, new SentenceEncoderOptions { LayerWeights = [0, 1, 1] });
        var e = Assert.ThrowsExactly<NotSupportedException>(() => global::MLNet.SentenceEmbeddings.Onnx.OnnxExportPlan.FromEncoder(mixed));
        StringAssert.Contains(e.Message, WeightedLayerPoolingModule.Type);
    }
}
