using MLNet.SentenceEmbeddings.Modeling;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class TransformerModelsTests
{
    [TestMethod]
    [DataRow("distilbert", typeof(DistilBertModel))]
    [DataRow("roberta", typeof(RobertaModel))]
    [DataRow("xlm-roberta", typeof(RobertaModel))]
    [DataRow("mpnet", typeof(MPNetModel))]
    public void ModelTypePicksTheArchitectureAndToConfigJsonRebuildsIt(string modelType, Type expected)
    {
        using var model = TransformerModels.Create(TinyArchitectures.Config(modelType), "config.json");
        Assert.IsInstanceOfType(model, expected);
        Assert.AreEqual(modelType, model.ModelType);
        Assert.AreEqual(32, model.HiddenSize);
        Assert.AreEqual(TinyArchitectures.MaxTokens, model.MaxSequenceLength);
        CollectionAssert.Contains(TransformerModels.SupportedTypes.ToList(), modelType);
        using var rebuilt = TransformerModels.Create(model.ToConfigJson(), "written config.json");
        CollectionAssert.AreEqual(
            model.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList(),
            rebuilt.named_parameters().Select(p => (p.name, string.Join("x", p.parameter.shape))).ToList());
    }

    [TestMethod]
    public void BertStillComesFromBertConfigs()
    {
        using var model = TransformerModels.Create(Fixtures.TinyConfig.ToJson(), "config.json");
        Assert.IsInstanceOfType<BertModel>(model);
        Assert.IsTrue(model.UsesTokenTypes);
    }

    [TestMethod]
    public void UnknownModelTypeNamesTheFileAndTheSupportedTypes()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TransformerModels.Create(new() { ["model_type"] = "t5" }, "models/x/config.json"));
        StringAssert.Contains(e.Message, "models/x/config.json");
        StringAssert.Contains(e.Message, "'t5'");
        foreach (var type in TransformerModels.SupportedTypes) StringAssert.Contains(e.Message, type);
    }
}
