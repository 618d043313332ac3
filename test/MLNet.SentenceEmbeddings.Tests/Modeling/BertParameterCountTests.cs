using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class BertParameterCountTests
{
    [TestMethod]
    public void MatchesTheParametersOfABuiltModel()
    {
        foreach (var config in new[] { Fixtures.TinyConfig, Fixtures.TinyConfig with { NumHiddenLayers = 3, IntermediateSize = 48, TypeVocabSize = 1, VocabSize = 1000 } })
        {
            using var model = new BertModel(config);
            Assert.AreEqual(model.parameters().Sum(p => p.numel()), BertParameterCount.Of(config));
        }
        Assert.AreEqual(Fixtures.MiniLm.Model.parameters().Sum(p => p.numel()), BertParameterCount.Of(((BertModel)Fixtures.MiniLm.Model).Config), "all-MiniLM-L6-v2");
    }

    [TestMethod]
    public void AConfigLargerThanItsWeightsIsRefusedBeforeBuilding()
    {
        using var tiny = Fixtures.Tiny();
        var weights = StateDict.Export(tiny.Model).ToDictionary(w => w.Name);
        BertParameterCount.CheckAgainst(((BertModel)tiny.Model).Config, weights, "tiny.safetensors");
        var huge = ((BertModel)tiny.Model).Config with { HiddenSize = 65536, NumAttentionHeads = 1, NumHiddenLayers = 1024 };
        var e = Assert.ThrowsExactly<InvalidDataException>(() => BertParameterCount.CheckAgainst(huge, weights, "tiny.safetensors"));
        StringAssert.Contains(e.Message, "tiny.safetensors");
        StringAssert.Contains(e.Message, "config.json describes");
    }
}
