using MLNet.SentenceEmbeddings.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class RobertaModelTests
{
    // XLM-RoBERTa is checked with a second padding index, so no offset can be right by coincidence.
    [TestMethod]
    [DataRow("roberta", 1)]
    [DataRow("xlm-roberta", 0)]
    public void MiniLmRewrittenAsRobertaMatchesOnnxRuntimeOn1000StsbSentences(string modelType, int padTokenId)
    {
        var (config, weights) = ConstructedEquivalence.Roberta(modelType, padTokenId);
        using var model = ConstructedEquivalence.Build(config, weights);
        Assert.IsInstanceOfType<RobertaModel>(model);
        Assert.AreEqual(modelType, model.ModelType);
        ConstructedEquivalence.AssertEquivalent($"{modelType} (padding index {padTokenId})", model);
    }

    [TestMethod]
    public void PositionIdsCountFromAfterThePaddingIndexAndPadsKeepIt()
    {
        using var mask = tensor(new long[] { 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, new long[] { 2, 5 });
        using var positions = RobertaEmbeddings.PositionIds(mask, paddingIdx: 1);
        CollectionAssert.AreEqual(new long[] { 2, 3, 4, 1, 1, 2, 3, 4, 5, 6 }, positions.data<long>().ToArray());
    }

    [TestMethod]
    [DataRow("roberta")]
    [DataRow("xlm-roberta")]
    public void OneSiameseEpochLowersTheLossAndTheWeightsRoundTripExactly(string modelType)
    {
        using var model = TinyArchitectures.Create(modelType);
        var (before, after) = TinyArchitectures.TrainOneEpoch(model, TinyArchitectures.Pairs(32));
        Assert.IsTrue(after < 0.7 * before, $"loss {before:F4} -> {after:F4}");
        TinyArchitectures.AssertWeightsRoundTrip(model);
    }

    [TestMethod]
    public void BFloat16StaysCloseToFloat32()
    {
        using var model = TinyArchitectures.Create("roberta");
        TinyArchitectures.AssertBFloat16StaysCloseToFloat32(model);
    }

    [TestMethod]
    public void PaddingDoesNotChangeTheTokenVectors()
    {
        using var model = TinyArchitectures.Create("roberta");
        TinyArchitectures.AssertPaddingDoesNotChangeTokens(model);
    }

    [TestMethod]
    public void TokenTypeIdsAreIgnoredAndRowZeroIsUsed()
    {
        // type_vocab_size is 1: a token type id of 1 would be out of range if it reached the table.
        using var model = TinyArchitectures.Create("roberta");
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 101, 1996, 4937, 102 }, new long[] { 1, 4 });
        var mask = ones_like(ids);
        var plain = model.forward(ids, zeros_like(ids), mask);
        Assert.IsTrue(TinyArchitectures.Identical(plain, model.forward(ids, ones_like(ids), mask)));
        var typeRow = model.named_parameters().Single(p => p.name == "embeddings.token_type_embeddings.weight").parameter;
        typeRow.add_(1.0f);
        Assert.IsFalse(TinyArchitectures.Identical(plain, model.forward(ids, zeros_like(ids), mask)), "token_type_embeddings[0] must take part");
    }

    [TestMethod]
    public void ConfigRoundTripsAndTheLongestInputLeavesRoomForThePaddingOffset()
    {
        var config = new RobertaConfig { ModelType = "xlm-roberta", VocabSize = 250002, MaxPositionEmbeddings = 514, TypeVocabSize = 1, LayerNormEps = 1e-5 };
        var json = config.ToJson();
        Assert.AreEqual("XLMRobertaModel", (string)json["architectures"]![0]!);
        Assert.AreEqual(config, RobertaConfig.FromJson(json, "config.json"));
        Assert.AreEqual(512, config.MaxSequenceLength);
        using var model = new RobertaModel(config with { VocabSize = 100, HiddenSize = 8, NumAttentionHeads = 2, IntermediateSize = 16, NumHiddenLayers = 1 });
        Assert.AreEqual(512, model.MaxSequenceLength);

        var e = Assert.ThrowsExactly<InvalidDataException>(() =>
            RobertaConfig.FromJson(new() { ["model_type"] = "roberta", ["max_position_embeddings"] = 2, ["pad_token_id"] = 1 }, "m/config.json"));
        StringAssert.Contains(e.Message, "m/config.json");
        StringAssert.Contains(e.Message, "max_position_embeddings");
    }

    [TestMethod]
    public void CheckpointKeysLoseThePrefixAndThePoolerAndLmHeadAreDropped()
    {
        using var model = TinyArchitectures.Create("xlm-roberta");
        Assert.AreEqual("encoder.layer.0.attention.self.query.weight", model.MapCheckpointKey("roberta.encoder.layer.0.attention.self.query.weight"));
        Assert.IsNull(model.MapCheckpointKey("roberta.pooler.dense.weight"));
        Assert.IsNull(model.MapCheckpointKey("pooler.dense.bias"));
        Assert.IsNull(model.MapCheckpointKey("lm_head.decoder.weight"));
        Assert.IsNull(model.MapCheckpointKey("roberta.embeddings.position_ids"));
    }
}
