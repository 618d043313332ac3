using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

[TestClass]
public sealed class SentenceTransformerFilesTests
{
    private static async Task<IReadOnlyList<string>> Select(Dictionary<string, string> files)
    {
        var info = new HubRevisionInfo(new string('0', 40),
            files.ToDictionary(f => f.Key, f => new HubRepoFile(f.Key, f.Value.Length, null, null)));
        return await new SentenceTransformerFiles().SelectAsync(info, (name, _) => Task.FromResult(files[name]), CancellationToken.None);
    }

    [TestMethod]
    public async Task ShardedSafetensorsBringTheIndexAndEveryShardAndNoPickle()
    {
        var chosen = await Select(new()
        {
            ["config.json"] = "{}",
            ["model.safetensors.index.json"] = """{"metadata":{},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors","c":"model-00001-of-00002.safetensors"}}""",
            ["model-00001-of-00002.safetensors"] = "",
            ["model-00002-of-00002.safetensors"] = "",
            ["pytorch_model.bin"] = "",
            ["tokenizer.json"] = "{}",
        });
        CollectionAssert.AreEquivalent(new[] { "config.json", "tokenizer.json", "model.safetensors.index.json",
            "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors" }, chosen.ToArray());
    }

    [TestMethod]
    public async Task PickleWeightsAreTakenOnlyWhenThereIsNoSafetensors()
    {
        var chosen = await Select(new() { ["config.json"] = "{}", ["pytorch_model.bin"] = "", ["tf_model.h5"] = "" });
        CollectionAssert.AreEquivalent(new[] { "config.json", "pytorch_model.bin" }, chosen.ToArray());
    }

    [TestMethod]
    public async Task ModuleFoldersAtAnyDepthKeepTheirFilesButNotOtherRuntimesOrCode()
    {
        var chosen = await Select(new()
        {
            ["modules.json"] = """[{"idx":0,"path":"0_Transformer","type":"x.Transformer"},{"idx":1,"path":"1_Pooling/","type":"x.Pooling"},{"idx":2,"path":"2_Router","type":"x.Router"}]""",
            ["0_Transformer/config.json"] = "{}",
            ["0_Transformer/vocab.txt"] = "",
            ["0_Transformer/pytorch_model.bin"] = "",
            ["0_Transformer/onnx/model.onnx"] = "",
            ["1_Pooling/config.json"] = "{}",
            ["2_Router/query/config.json"] = "{}",
            ["2_Router/query/model.safetensors"] = "",
            ["2_Router/query/pytorch_model.bin"] = "",
            ["2_Router/custom.py"] = "",
            ["3_Unlisted/config.json"] = "{}",
        });
        CollectionAssert.AreEquivalent(new[] { "modules.json", "0_Transformer/config.json", "0_Transformer/vocab.txt",
            "0_Transformer/pytorch_model.bin", "1_Pooling/config.json", "2_Router/query/config.json", "2_Router/query/model.safetensors" }, chosen.ToArray());
    }

    [TestMethod]
    public void AShardIndexPointingOutsideItsFolderIsRefused()
    {
        var e = Assert.ThrowsExactly<HubSelectionException>(() =>
            SentenceTransformerFiles.Shards("model.safetensors.index.json", """{"weight_map":{"a":"../x.safetensors"}}"""));
        StringAssert.Contains(e.Message, "'a'");
        Assert.AreEqual("model.safetensors.index.json", e.File);
    }

    [TestMethod]
    public void ModulesJsonThatIsNotAListIsRefusedNamingTheFile()
    {
        var e = Assert.ThrowsExactly<HubSelectionException>(() => SentenceTransformerFiles.ModuleFolders("{\"path\":\"x\"}"));
        StringAssert.Contains(e.Message, "modules.json");
    }
}
