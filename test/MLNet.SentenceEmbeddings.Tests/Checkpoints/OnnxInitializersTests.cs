using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

[TestClass]
public class OnnxInitializersTests
{
    [TestMethod]
    public void EmbeddedMiniLmOnnxGivesTheEncodersStateDict()
    {
        var model = PretrainedModels.AllMiniLmL6V2;
        Dictionary<string, NamedArray> weights;
        using (var onnx = model.OpenResource(model.OnnxResource))
            weights = OnnxInitializers.ReadBertStateDict(onnx, model.OnnxResource);
        var expected = StateDict.Export(Fixtures.MiniLm.Model);
        // The pooler's weights are in the file too; everything the encoder has must be there, equal.
        foreach (var w in expected)
        {
            Assert.IsTrue(weights.TryGetValue(w.Name, out var actual), $"missing {w.Name}");
            CollectionAssert.AreEqual(w.Shape, actual.Shape, w.Name);
            CollectionAssert.AreEqual(w.Data, actual.Data, w.Name);
        }
    }

    [TestMethod]
    public void NotAnOnnxFileFailsNamingTheSource()
    {
        using var stream = new MemoryStream(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f });
        var e = Assert.ThrowsExactly<InvalidDataException>(() => OnnxInitializers.ReadBertStateDict(stream, "broken.onnx"));
        StringAssert.Contains(e.Message, "broken.onnx");
    }
}
