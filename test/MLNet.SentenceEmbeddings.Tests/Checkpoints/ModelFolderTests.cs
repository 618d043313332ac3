using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

[TestClass]
public class ModelFolderTests
{
    private static readonly string?[] Sentences = { "A man is playing a guitar.", "", "Two dogs run in the snow near a fence." };

    private static string SaveTiny(SentenceEncoder e)
    {
        string dir = Fixtures.NewTempDir();
        e.Save(dir);
        return dir;
    }

    [TestMethod]
    public void DefaultModelSavedAndLoadedBackGivesIdenticalEmbeddings()
    {
        string dir = Fixtures.NewTempDir();
        Fixtures.MiniLm.Save(dir);
        foreach (var f in new[] { "config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors", "modules.json",
                     "sentence_bert_config.json", "1_Pooling/config.json" })
            Assert.IsTrue(File.Exists(Path.Combine(dir, f)), f);
        Assert.IsTrue(Directory.Exists(Path.Combine(dir, "2_Normalize")));
        using var loaded = SentenceEncoder.Load(dir);
        var a = Fixtures.MiniLm.Encode(Sentences);
        var b = loaded.Encode(Sentences);
        for (int i = 0; i < a.Length; i++) CollectionAssert.AreEqual(a[i], b[i]);
        Assert.AreEqual(256, loaded.Tokenizer.MaxSequenceLength);
        Assert.IsTrue(((global::MLNet.SentenceEmbeddings.Tokenization.WordPieceTokenizer)loaded.Tokenizer.Subwords).DoLowerCase);
    }

    [TestMethod]
    public void PoolingConfigInV6KeysLoads()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        File.WriteAllText(Path.Combine(dir, "1_Pooling", "config.json"), """{"embedding_dimension": 32, "pooling_mode": ["cls", "mean"]}""");
        using var loaded = SentenceEncoder.Load(dir);
        Assert.AreEqual(PoolingMode.Cls | PoolingMode.Mean, loaded.Pooling.Mode);
        Assert.AreEqual(64, loaded.Dimension);
    }

    [TestMethod]
    public void PoolingConfigInLegacyKeysLoads()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        File.WriteAllText(Path.Combine(dir, "1_Pooling", "config.json"),
            """{"word_embedding_dimension": 32, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": false, "pooling_mode_max_tokens": true, "pooling_mode_mean_sqrt_len_tokens": false}""");
        using var loaded = SentenceEncoder.Load(dir);
        Assert.AreEqual(PoolingMode.Max, loaded.Pooling.Mode);
        var a = tiny.Encode(Sentences);
        var b = loaded.Encode(Sentences);
        Assert.IsTrue(Fixtures.Cos(a[0], b[0]) < 0.9999, "MAX pooling must give other vectors than the saved MEAN");
    }

    [TestMethod]
    public void PlainHuggingFaceFolderWithTokenizerJsonLoadsWithMeanPooling()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        // A tokenizer.json as the tokenizers library saves a BERT one (normalizer, pre-tokenizer, WordPiece, [CLS]/[SEP] template).
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), global::MLNet.SentenceEmbeddings.Tests.Tokenization.TokenizerJsonTests.BertTokenizerJson(File.ReadAllText(Path.Combine(dir, "vocab.txt"))));
        foreach (var f in new[] { "vocab.txt", "modules.json", "sentence_bert_config.json", "tokenizer_config.json" }) File.Delete(Path.Combine(dir, f));
        Directory.Delete(Path.Combine(dir, "1_Pooling"), true);
        using var loaded = SentenceEncoder.Load(dir);
        Assert.AreEqual(PoolingMode.Mean, loaded.Pooling.Mode);
        var a = tiny.Encode(Sentences);
        var b = loaded.Encode(Sentences);
        for (int i = 0; i < a.Length; i++) CollectionAssert.AreEqual(a[i], b[i]);
    }

    [TestMethod]
    public void MissingWeightsFileIsNamed()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        File.Delete(Path.Combine(dir, "model.safetensors"));
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "model.safetensors");
    }

    [TestMethod]
    public void WrongTensorShapeNamesTheWeightTheFileAndTheExpectedShape()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        string weights = Path.Combine(dir, "model.safetensors");
        var state = SafeTensors.Read(weights);
        var q = state["encoder.layer.0.attention.self.query.weight"];
        state[q.Name] = q with { Shape = new long[] { 16, 64 } };
        SafeTensors.Write(weights, state.Values);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "model.safetensors");
        StringAssert.Contains(e.Message, "encoder.layer.0.attention.self.query.weight");
        StringAssert.Contains(e.Message, "[32, 32]");
    }

    [TestMethod]
    public void VocabularySizeMismatchNamesBothFiles()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        File.AppendAllText(Path.Combine(dir, "vocab.txt"), "extra_token\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "vocab.txt");
        StringAssert.Contains(e.Message, "vocab_size");
    }

    [TestMethod]
    public void MissingWeightIsNamed()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        string weights = Path.Combine(dir, "model.safetensors");
        var state = SafeTensors.Read(weights);
        state.Remove("encoder.layer.1.output.dense.bias");
        SafeTensors.Write(weights, state.Values);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "encoder.layer.1.output.dense.bias");
    }

    [TestMethod]
    public void CorruptConfigAndPoolingFilesAreNamed()
    {
        using var tiny = Fixtures.Tiny();
        string dir = SaveTiny(tiny);
        string pooling = Path.Combine(dir, "1_Pooling", "config.json");
        File.WriteAllText(pooling, """{"embedding_dimension": 99, "pooling_mode": "mean"}""");
        var e1 = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e1.Message, Path.Combine("1_Pooling", "config.json"));
        File.WriteAllText(Path.Combine(dir, "config.json"), "{ not json");
        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e2.Message, "config.json");
    }

    [TestMethod]
    public void SafeTensorsRoundTripsAndReadsHalfPrecision()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "t.safetensors");
        var a = new NamedArray("a.weight", new long[] { 2, 3 }, new float[] { 1, -2, 3.5f, 0, 1e-3f, 7 });
        SafeTensors.Write(path, new[] { a });
        var back = SafeTensors.Read(path)["a.weight"];
        CollectionAssert.AreEqual(a.Shape, back.Shape);
        CollectionAssert.AreEqual(a.Data, back.Data);

        // A hand-built BF16 file: 1.0 is 0x3F80 and -2.0 is 0xC000 in bfloat16.
        string bf = Path.Combine(Path.GetDirectoryName(path)!, "bf.safetensors");
        var header = System.Text.Encoding.UTF8.GetBytes("""{"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}""");
        using (var s = File.Create(bf))
        {
            s.Write(BitConverter.GetBytes((long)header.Length));
            s.Write(header);
            s.Write(new byte[] { 0x80, 0x3F, 0x00, 0xC0 });
        }
        CollectionAssert.AreEqual(new float[] { 1, -2 }, SafeTensors.Read(bf)["x"].Data);
    }
}
