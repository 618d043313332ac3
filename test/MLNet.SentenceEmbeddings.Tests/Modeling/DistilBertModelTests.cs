using MLNet.SentenceEmbeddings.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class DistilBertModelTests
{
    [TestMethod]
    public void MiniLmRewrittenAsDistilBertMatchesOnnxRuntimeOn1000StsbSentences()
    {
        var (config, weights) = ConstructedEquivalence.DistilBert();
        using var model = ConstructedEquivalence.Build(config, weights);
        Assert.IsInstanceOfType<DistilBertModel>(model);
        ConstructedEquivalence.AssertEquivalent("distilbert", model);
    }

    [TestMethod]
    public void OneSiameseEpochLowersTheLossAndTheWeightsRoundTripExactly()
    {
        using var model = TinyArchitectures.Create("distilbert");
        var (before, after) = TinyArchitectures.TrainOneEpoch(model, TinyArchitectures.Pairs(32));
        Assert.IsTrue(after < 0.7 * before, $"loss {before:F4} -> {after:F4}");
        TinyArchitectures.AssertWeightsRoundTrip(model);
    }

    [TestMethod]
    public void BFloat16StaysCloseToFloat32()
    {
        using var model = TinyArchitectures.Create("distilbert");
        TinyArchitectures.AssertBFloat16StaysCloseToFloat32(model);
    }

    [TestMethod]
    public void PaddingDoesNotChangeTheTokenVectors()
    {
        using var model = TinyArchitectures.Create("distilbert");
        TinyArchitectures.AssertPaddingDoesNotChangeTokens(model);
    }

    [TestMethod]
    public void SinusoidalPositionsAreTheFixedTableAndTrainingLeavesThemAlone()
    {
        var json = TinyArchitectures.Config("distilbert");
        json["sinusoidal_pos_embds"] = true;
        torch.manual_seed(2);
        using var model = (DistilBertModel)TransformerModels.Create(json, "tiny distilbert");
        var table = model.named_parameters().Single(p => p.name == "embeddings.position_embeddings.weight").parameter;
        Assert.IsFalse(table.requires_grad);
        var rows = table.data<float>().ToArray();
        int dim = model.HiddenSize;
        // Position 0: sin 0 = 0 in even columns, cos 0 = 1 in odd ones. Position 1, columns 0/1: sin 1, cos 1.
        // Position 3, columns 4/5: angle 3 / 10000^(4/dim).
        for (int j = 0; j < dim; j++) Assert.AreEqual(j % 2 == 0 ? 0f : 1f, rows[j], 1e-7f);
        Assert.AreEqual(Math.Sin(1), rows[dim], 1e-6);
        Assert.AreEqual(Math.Cos(1), rows[dim + 1], 1e-6);
        double angle = 3 / Math.Pow(10000, 4.0 / dim);
        Assert.AreEqual(Math.Sin(angle), rows[3 * dim + 4], 1e-6);
        Assert.AreEqual(Math.Cos(angle), rows[3 * dim + 5], 1e-6);

        var (before, after) = TinyArchitectures.TrainOneEpoch(model, TinyArchitectures.Pairs(16));
        Assert.IsTrue(after < before, $"loss {before:F4} -> {after:F4}");
        CollectionAssert.AreEqual(rows, table.data<float>().ToArray(), "the sinusoidal table must not train");
    }

    [TestMethod]
    public void TokenTypeIdsAreIgnored()
    {
        using var model = TinyArchitectures.Create("distilbert");
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 101, 1996, 4937, 102 }, new long[] { 1, 4 });
        var mask = ones_like(ids);
        Assert.IsTrue(TinyArchitectures.Identical(model.forward(ids, zeros_like(ids), mask), model.forward(ids, full_like(ids, 7), mask)));
        Assert.IsFalse(model.UsesTokenTypes);
    }

    [TestMethod]
    public void ConfigRoundTripsThroughConfigJsonWithItsOwnKeyNames()
    {
        var config = new DistilBertConfig { Dim = 64, NLayers = 3, NHeads = 4, HiddenDim = 128, Activation = "relu", SinusoidalPosEmbds = true };
        var json = config.ToJson();
        Assert.AreEqual(64, (int)json["dim"]!);
        Assert.AreEqual(3, (int)json["n_layers"]!);
        Assert.AreEqual(128, (int)json["hidden_dim"]!);
        Assert.AreEqual(config, DistilBertConfig.FromJson(json, "config.json"));

        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            DistilBertConfig.FromJson(new() { ["model_type"] = "distilbert", ["dim"] = 10, ["n_heads"] = 4 }, "dir/config.json"));
        StringAssert.Contains(e.Message, "dir/config.json");
        StringAssert.Contains(e.Message, "n_heads");
        e = Assert.ThrowsExactly<InvalidDataException>(() =>
            DistilBertConfig.FromJson(new() { ["model_type"] = "distilbert", ["n_layers"] = "six" }, "dir/config.json"));
        StringAssert.Contains(e.Message, "'n_layers' must be a 32-bit integer");
    }

    [TestMethod]
    public void CheckpointKeysLoseThePrefixAndTheMaskedLmHeadIsDropped()
    {
        using var model = TinyArchitectures.Create("distilbert");
        Assert.AreEqual("transformer.layer.1.ffn.lin2.bias", model.MapCheckpointKey("distilbert.transformer.layer.1.ffn.lin2.bias"));
        Assert.AreEqual("embeddings.word_embeddings.weight", model.MapCheckpointKey("embeddings.word_embeddings.weight"));
        Assert.IsNull(model.MapCheckpointKey("vocab_projector.bias"));
        Assert.IsNull(model.MapCheckpointKey("distilbert.embeddings.position_ids"));
        Assert.AreEqual(TinyArchitectures.MaxTokens, model.MaxSequenceLength);
    }
}
