using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

[TestClass]
public class SafeTensorsIndexTests
{
    private static string Sharded(out string dir)
    {
        dir = Fixtures.NewTempDir();
        SafeTensors.Write(Path.Combine(dir, "model-00001-of-00002.safetensors"), new[]
        {
            new NamedArray("a", new long[] { 2 }, new float[] { 1, 2 }),
            new NamedArray("b", new long[] { 1 }, new float[] { 3 }),
        });
        SafeTensors.Write(Path.Combine(dir, "model-00002-of-00002.safetensors"), new[] { new NamedArray("c", new long[] { 1, 2 }, new float[] { 4, 5 }) });
        return WriteIndex(dir, new JsonObject
        {
            ["a"] = "model-00001-of-00002.safetensors", ["b"] = "model-00001-of-00002.safetensors", ["c"] = "model-00002-of-00002.safetensors",
        });
    }

    private static string WriteIndex(string dir, JsonObject map)
    {
        string path = Path.Combine(dir, SafeTensorsIndex.FileName);
        File.WriteAllText(path, new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 20 }, ["weight_map"] = map }.ToJsonString());
        return path;
    }

    [TestMethod]
    public void ReadsEveryShardIntoOneDictionary()
    {
        var index = SafeTensorsIndex.Read(Sharded(out string dir));
        Assert.AreEqual(2, index.ShardFiles.Count);
        var t = index.ReadTensors();
        CollectionAssert.AreEquivalent(new[] { "a", "b", "c" }, t.Keys.ToArray());
        CollectionAssert.AreEqual(new float[] { 4, 5 }, t["c"].Data);
        CollectionAssert.AreEqual(new long[] { 1, 2 }, t["c"].Shape);
        Assert.AreEqual(Path.Combine(dir, "model-00001-of-00002.safetensors"), index.WeightMap["a"]);
    }

    [TestMethod]
    [DataRow("../outside.safetensors")]
    [DataRow("/etc/passwd")]
    [DataRow("sub/model.safetensors")]
    [DataRow("..")]
    [DataRow("")]
    public void AShardOutsideTheFolderIsRefused(string shard)
    {
        string dir = Fixtures.NewTempDir();
        string index = WriteIndex(dir, new JsonObject { ["a"] = shard });
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsIndex.Read(index));
        StringAssert.Contains(e.Message, index);
        StringAssert.Contains(e.Message, "weight_map.a");
    }

    [TestMethod]
    public void ShardContentsMustMatchTheIndex()
    {
        string index = Sharded(out string dir);
        string first = Path.Combine(dir, "model-00001-of-00002.safetensors");
        // "b" listed for shard 1 but missing there.
        SafeTensors.Write(first, new[] { new NamedArray("a", new long[] { 2 }, new float[] { 1, 2 }) });
        var missing = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsIndex.Read(index).ReadTensors());
        StringAssert.Contains(missing.Message, "'b' is missing");
        StringAssert.Contains(missing.Message, first);
        // A tensor the index does not list (or assigns elsewhere).
        SafeTensors.Write(first, new[]
        {
            new NamedArray("a", new long[] { 2 }, new float[] { 1, 2 }), new NamedArray("b", new long[] { 1 }, new float[] { 3 }),
            new NamedArray("c", new long[] { 1, 2 }, new float[] { 4, 5 }),
        });
        var extra = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsIndex.Read(index).ReadTensors());
        StringAssert.Contains(extra.Message, "'c' is not assigned to this shard");
    }

    [TestMethod]
    public void AMissingShardIsNamed()
    {
        string index = Sharded(out string dir);
        File.Delete(Path.Combine(dir, "model-00002-of-00002.safetensors"));
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => SafeTensorsIndex.Read(index).ReadTensors());
        StringAssert.Contains(e.Message, "model-00002-of-00002.safetensors");
    }

    [TestMethod]
    [DataRow("""{"weight_map": []}""", "weight_map")]
    [DataRow("""{"metadata": {}}""", "weight_map")]
    [DataRow("""{"weight_map": {"a": 3}}""", "weight_map.a")]
    [DataRow("""{"weight_map": {}}""", "empty")]
    [DataRow("""[]""", "expected an object")]
    [DataRow("""{"weight_map": {"a": "x.safetensors",""", "not valid JSON")]
    public void AMalformedIndexNamesTheFile(string text, string expected)
    {
        string path = Path.Combine(Fixtures.NewTempDir(), SafeTensorsIndex.FileName);
        File.WriteAllText(path, text);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsIndex.Read(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, expected);
    }
}
