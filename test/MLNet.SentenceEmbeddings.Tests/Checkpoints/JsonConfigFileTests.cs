using System.Text;
using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

[TestClass]
public class JsonConfigFileTests
{
    private static string WriteJson(string text, string name = "config.json")
    {
        string path = Path.Combine(Fixtures.NewTempDir(), name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private static void Names(Action read, string path, params string[] parts)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(read);
        StringAssert.Contains(e.Message, path);
        foreach (var p in parts) StringAssert.Contains(e.Message, p);
    }

    [TestMethod]
    public void ReadsTypedValuesAndTreatsNullAsAbsent()
    {
        var c = JsonConfigFile.Read(WriteJson("""{"i": 384, "f": 512.0, "d": 1e-12, "b": true, "s": "gelu", "n": null, "l": 5000000000, "o": {"x": 1}, "m": ["cls", "mean"]}"""));
        Assert.AreEqual(384, c.GetInt32("i"));
        Assert.AreEqual(512, c.GetInt32("f"), "an integral double is an integer");
        Assert.AreEqual(1e-12, c.GetDouble("d"));
        Assert.AreEqual(384.0, c.GetDouble("i"));
        Assert.IsTrue(c.GetBoolean("b"));
        Assert.AreEqual("gelu", c.GetString("s"));
        Assert.AreEqual(5000000000L, c.GetInt64("l"));
        Assert.IsNull(c.GetInt32("n"));
        Assert.IsNull(c.GetString("missing"));
        Assert.IsFalse(c.Contains("n"));
        Assert.IsTrue(c.Contains("o"));
        Assert.AreEqual(1, c.GetObject("o")!.GetInt32("x"));
        CollectionAssert.AreEqual(new[] { "cls", "mean" }, c.GetStrings("m")!.ToArray());
        CollectionAssert.AreEqual(new[] { "gelu" }, c.GetStrings("s")!.ToArray());
    }

    [TestMethod]
    [DataRow("""{"k": "384"}""", "a 32-bit integer", "string \"384\"")]
    [DataRow("""{"k": 3.5}""", "a 32-bit integer", "3.5")]
    [DataRow("""{"k": 3000000000}""", "a 32-bit integer", "3000000000")]
    [DataRow("""{"k": 1000000000000000019884624838656}""", "a 32-bit integer", "1000000000000000019884624838656")]
    [DataRow("""{"k": true}""", "a 32-bit integer", "true")]
    [DataRow("""{"k": [1]}""", "a 32-bit integer", "array")]
    public void AWrongTypedOrTooLargeIntegerNamesFileKeyAndType(string json, string expected, string got)
    {
        string path = WriteJson(json);
        var c = JsonConfigFile.Read(path);
        Names(() => c.GetInt32("k"), path, "'k'", expected, got);
    }

    [TestMethod]
    public void OtherWrongTypesNameFileKeyAndType()
    {
        string path = WriteJson("""{"s": 1, "b": "true", "d": "1e-12", "o": [], "m": ["cls", 2], "big": 1e400}""");
        var c = JsonConfigFile.Read(path);
        Names(() => c.GetString("s"), path, "'s'", "a string");
        Names(() => c.GetBoolean("b"), path, "'b'", "true or false");
        Names(() => c.GetDouble("d"), path, "'d'", "a finite number");
        Names(() => c.GetObject("o"), path, "'o'", "an object");
        Names(() => c.GetStrings("m"), path, "'m[1]'", "a string");
        Names(() => c.GetDouble("big"), path, "'big'", "a finite number");
    }

    [TestMethod]
    public void NestedAndArrayElementsNameTheirPath()
    {
        string path = WriteJson("""{"model": {"vocab": {"a": "x"}}}""");
        var vocab = JsonConfigFile.Read(path).GetObject("model")!.GetObject("vocab")!;
        Names(() => vocab.GetInt32("a"), path, "'model.vocab.a'");
        string modules = WriteJson("""[{"path": ""}, {"path": 3}]""", "modules.json");
        var items = JsonConfigFile.ReadArray(modules);
        Assert.AreEqual("", items[0].GetString("path"));
        Names(() => items[1].GetString("path"), modules, "'[1].path'");
        Names(() => JsonConfigFile.ReadArray(WriteJson("""[1]""", "modules.json")), "modules.json", "element [0]");
        Names(() => JsonConfigFile.ReadArray(WriteJson("""{}""", "modules.json")), "modules.json", "expected an array");
    }

    [TestMethod]
    public void HuggingFacesNoLimitSentinelReadsAsNoLimit()
    {
        // transformers writes int(1e30) as model_max_length when a tokenizer has no limit.
        string path = WriteJson("""{"model_max_length": 1000000000000000019884624838656, "a": 512, "b": 9223372036854775807, "c": 1e30, "bad": -1, "frac": 2.5}""", "tokenizer_config.json");
        var c = JsonConfigFile.Read(path);
        Assert.IsNull(c.GetLimit("model_max_length"));
        Assert.AreEqual(512, c.GetLimit("a"));
        Assert.IsNull(c.GetLimit("b"));
        Assert.IsNull(c.GetLimit("c"));
        Assert.IsNull(c.GetLimit("absent"));
        Names(() => c.GetLimit("bad"), path, "'bad'", "a positive integer");
        Names(() => c.GetLimit("frac"), path, "'frac'", "a positive integer");
    }

    [TestMethod]
    public void BadFilesAreNamed()
    {
        Names(() => JsonConfigFile.Read(WriteJson("{ not json")), "config.json", "not valid JSON");
        Names(() => JsonConfigFile.Read(WriteJson("[1, 2]")), "config.json", "expected an object");
        Names(() => JsonConfigFile.Read(WriteJson("")), "config.json", "not valid JSON");
        Names(() => JsonConfigFile.Read(WriteJson("{\"a\": 1} // comment")), "config.json", "not valid JSON");
        Names(() => JsonConfigFile.Read(WriteJson(new string('[', 100) + new string(']', 100))), "config.json", "not valid JSON");
        string utf8 = Path.Combine(Fixtures.NewTempDir(), "config.json");
        File.WriteAllBytes(utf8, new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' });
        Names(() => JsonConfigFile.Read(utf8), utf8, "not UTF-8");
        Assert.ThrowsExactly<FileNotFoundException>(() => JsonConfigFile.Read(Path.Combine(Fixtures.NewTempDir(), "missing.json")));
        Assert.IsNull(JsonConfigFile.TryRead(Path.Combine(Fixtures.NewTempDir(), "missing.json")));
    }

    [TestMethod]
    public void AFileBeyondTheCapIsRefusedBeforeReading()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "tokenizer.json");
        using (var s = File.Create(path)) s.SetLength(JsonConfigFile.MaxBytes + 1); // sparse
        Names(() => JsonConfigFile.Read(path), path, $"at most {JsonConfigFile.MaxBytes}");
    }
}
