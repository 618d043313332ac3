using System.Buffers.Binary;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Tests.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

/// <summary>
/// Every variant of a model folder that sentence-transformers 2.x-6.x and transformers write, built from one clean
/// folder: each loads to the clean folder's embeddings, or fails naming the file and what was expected.
/// </summary>
[TestClass]
public sealed class RealWorldFolderTests
{
    private static readonly string?[] Sentences = { "A man is playing a guitar.", "Two dogs run in the SNOW, café!", "" };

    /// <summary>A tiny random encoder saved as sentence-transformers does (Transformer, Pooling, Normalize).</summary>
    private static (string Folder, float[][] Expected) Clean()
    {
        using var tiny = Fixtures.Tiny(seed: 7, new SentenceEncoderOptions { Normalize = true });
        string dir = Path.Combine(Fixtures.NewTempDir(), "clean");
        tiny.Save(dir);
        return (dir, tiny.Encode(Sentences));
    }

    private static float[][] Encode(string folder, SentenceEncoderOptions? options = null)
    {
        using var encoder = SentenceEncoder.Load(folder, options);
        return encoder.Encode(Sentences);
    }

    private static void AssertSame(float[][] expected, float[][] actual, float tolerance = 0, string step = "")
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++)
                Assert.AreEqual(expected[i][j], actual[i][j], tolerance, $"{step} sentence {i}, component {j}");
    }

    private static void EditJson(string path, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    [TestMethod]
    public void TransformersNoLimitModelMaxLengthAndANullMaxSeqLengthLoad()
    {
        var (dir, expected) = Clean();
        EditJson(Path.Combine(dir, "tokenizer_config.json"), j => j["model_max_length"] = JsonNode.Parse("1000000000000000019884624838656"));
        AssertSame(expected, Encode(dir), step: "model_max_length 1e30:");
        EditJson(Path.Combine(dir, "sentence_bert_config.json"), j => j["max_seq_length"] = null);
        using var encoder = SentenceEncoder.Load(dir);
        Assert.AreEqual(Fixtures.TinyConfig.MaxPositionEmbeddings, encoder.Tokenizer.MaxSequenceLength, "no limit anywhere: the position table decides");
        AssertSame(expected, encoder.Encode(Sentences), step: "max_seq_length null:");
        File.Delete(Path.Combine(dir, "tokenizer_config.json"));
        File.Delete(Path.Combine(dir, "sentence_bert_config.json"));
        AssertSame(expected, Encode(dir), step: "neither file:");
    }

    [TestMethod]
    public void ATokenizerJsonWithoutVocabTxtGivesTheSameVectors()
    {
        var (dir, expected) = Clean();
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), TokenizerJsonTests.BertTokenizerJson(Fixtures.Vocab));
        File.Delete(Path.Combine(dir, "vocab.txt"));
        File.WriteAllText(Path.Combine(dir, "special_tokens_map.json"), """{"cls_token":"[CLS]","sep_token":"[SEP]","pad_token":{"content":"[PAD]"},"unk_token":"[UNK]","mask_token":"[MASK]"}""");
        AssertSame(expected, Encode(dir));
    }

    [TestMethod]
    public void SentenceBertConfigLowerCasesTheInputOnTopOfTheTokenizer()
    {
        var (dir, _) = Clean();
        // A cased tokenizer: upper and lower case give different ids, until sentence-transformers' do_lower_case is set.
        EditJson(Path.Combine(dir, "tokenizer_config.json"), j => j["do_lower_case"] = false);
        using (var cased = SentenceEncoder.Load(dir))
            Assert.AreNotEqual(cased.Tokenizer.Encode("Hello World").InputIds[1], cased.Transformer.Tokenize("hello world").InputIds[1]);
        EditJson(Path.Combine(dir, "sentence_bert_config.json"), j => j["do_lower_case"] = true);
        using var lowered = SentenceEncoder.Load(dir);
        CollectionAssert.AreEqual(lowered.Transformer.Tokenize("hello world").InputIds, lowered.Transformer.Tokenize("Hello World").InputIds);
    }

    [TestMethod]
    public void HalfPrecisionWeightsLoadAsFloat32()
    {
        foreach (var dtype in new[] { "F16", "BF16" })
        {
            var (dir, expected) = Clean();
            string path = Path.Combine(dir, "model.safetensors");
            WriteHalf(path, SafeTensors.Read(path).Values, dtype);
            // Rounding the weights to 16 bits moves the vectors a little, never far.
            var actual = Encode(dir);
            for (int i = 0; i < expected.Length; i++) Assert.IsGreaterThan(0.999, Fixtures.Cos(expected[i], actual[i]), $"{dtype}, sentence {i}");
        }
    }

    [TestMethod]
    public void ShardedWeightsWithAnIndexLoad()
    {
        var (dir, expected) = Clean();
        string path = Path.Combine(dir, "model.safetensors");
        var all = SafeTensors.Read(path).Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        File.Delete(path);
        var map = new JsonObject();
        var shards = new[] { all.Take(all.Count / 2).ToList(), all.Skip(all.Count / 2).ToList() };
        for (int s = 0; s < 2; s++)
        {
            string name = $"model-0000{s + 1}-of-00002.safetensors";
            SafeTensors.Write(Path.Combine(dir, name), shards[s]);
            foreach (var a in shards[s]) map[a.Name] = name;
        }
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
        AssertSame(expected, Encode(dir));
    }

    [TestMethod]
    public void WeightNamesWithABertPrefixLoad()
    {
        var (dir, expected) = Clean();
        string path = Path.Combine(dir, "model.safetensors");
        var weights = SafeTensors.Read(path).Values.Select(a => a with { Name = "bert." + a.Name }).ToList();
        SafeTensors.Write(path, weights);
        AssertSame(expected, Encode(dir));
    }

    [TestMethod]
    public void TheOlderLayoutWithTheTransformerInItsOwnFolderLoads()
    {
        var (dir, expected) = Clean();
        string sub = Path.Combine(dir, "0_Transformer");
        Directory.CreateDirectory(sub);
        foreach (var f in new[] { "config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors", "sentence_bert_config.json" })
            File.Move(Path.Combine(dir, f), Path.Combine(sub, f));
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "modules.json")))!.AsArray();
        modules[0]!["path"] = "0_Transformer";
        File.WriteAllText(Path.Combine(dir, "modules.json"), modules.ToJsonString());
        AssertSame(expected, Encode(dir));
    }

    [TestMethod]
    public void DenseAndNormalizeLoadAtAnyIndex()
    {
        var (dir, expected) = Clean();
        // An identity Dense after Normalize (index 3) changes nothing; written as sentence-transformers writes Dense.
        string dense = Path.Combine(dir, "3_Dense");
        Directory.CreateDirectory(dense);
        int d = Fixtures.TinyConfig.HiddenSize;
        File.WriteAllText(Path.Combine(dense, "config.json"),
            $$"""{"in_features":{{d}},"out_features":{{d}},"bias":true,"activation_function":"torch.nn.modules.linear.Identity"}""");
        var identity = new float[d * d];
        for (int i = 0; i < d; i++) identity[i * d + i] = 1;
        SafeTensors.Write(Path.Combine(dense, "model.safetensors"), new[]
        {
            new NamedArray("linear.weight", new long[] { d, d }, identity), new NamedArray("linear.bias", new long[] { d }, new float[d]),
        });
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "modules.json")))!.AsArray();
        modules.Add(new JsonObject { ["idx"] = 3, ["name"] = "3", ["path"] = "3_Dense", ["type"] = "sentence_transformers.models.Dense" });
        File.WriteAllText(Path.Combine(dir, "modules.json"), modules.ToJsonString());
        using var encoder = SentenceEncoder.Load(dir);
        CollectionAssert.AreEqual(new[] { "Transformer", "Pooling", "Normalize", "Dense" }, encoder.Modules.Items.Select(m => m.ShortName).ToArray());
        AssertSame(expected, encoder.Encode(Sentences), 1e-6f);
        // Saved again, it keeps the order and the Dense weights.
        string again = Path.Combine(Fixtures.NewTempDir(), "again");
        encoder.Save(again);
        AssertSame(expected, Encode(again), 1e-6f);
    }

    [TestMethod]
    public void APlainTransformersFolderIsPooledWithMean()
    {
        var (dir, expected) = Clean();
        File.Delete(Path.Combine(dir, "modules.json"));
        var log = new List<string>();
        // No modules.json: MEAN pooling, no Normalize (sentence-transformers' fallback); asking for normalisation restores the clean vectors.
        AssertSame(expected, Encode(dir, new SentenceEncoderOptions { Normalize = true, Log = log.Add }), 1e-6f);
        Assert.IsTrue(log.Any(l => l.Contains("modules.json")), string.Join("\n", log));
    }

    [TestMethod]
    public void APyTorchPickleOnlyFolderFailsNamingTheFileAndWhatToDo()
    {
        var (dir, _) = Clean();
        File.Move(Path.Combine(dir, "model.safetensors"), Path.Combine(dir, "pytorch_model.bin"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "pytorch_model.bin");
        StringAssert.Contains(e.Message, "safetensors");
    }

    [TestMethod]
    public void AListedPoolingModuleWithoutItsConfigIsAnErrorNeverMean()
    {
        var (dir, _) = Clean();
        File.Delete(Path.Combine(dir, "1_Pooling", "config.json"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, Path.Combine("1_Pooling", "config.json"));
    }

    [TestMethod]
    public void AnUnsupportedModuleNamesModulesJsonTheModuleAndTheSupportedTypes()
    {
        var (dir, _) = Clean();
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "modules.json")))!.AsArray();
        modules.Add(new JsonObject { ["idx"] = 3, ["name"] = "3", ["path"] = "3_LSTM", ["type"] = "sentence_transformers.models.LSTM" });
        File.WriteAllText(Path.Combine(dir, "modules.json"), modules.ToJsonString());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "modules.json");
        StringAssert.Contains(e.Message, "sentence_transformers.models.LSTM");
        StringAssert.Contains(e.Message, "Transformer, WeightedLayerPooling, Pooling, Dense, Normalize");
    }

    [TestMethod]
    public void AModulePathOutsideTheFolderIsRefused()
    {
        var (dir, _) = Clean();
        var modules = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "modules.json")))!.AsArray();
        modules[1]!["path"] = "../elsewhere";
        File.WriteAllText(Path.Combine(dir, "modules.json"), modules.ToJsonString());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceEncoder.Load(dir));
        StringAssert.Contains(e.Message, "../elsewhere");
    }

    [TestMethod]
    public void PromptsAndTheSimilarityFunctionRoundTrip()
    {
        var (dir, _) = Clean();
        File.WriteAllText(Path.Combine(dir, SentenceEncoderConfig.FileName),
            """{"prompts":{"query":"query: ","document":"passage: "},"default_prompt_name":"query","similarity_fn_name":"dot"}""");
        using var encoder = SentenceEncoder.Load(dir);
        Assert.AreEqual("passage: ", encoder.Config.Prompts["document"]);
        // The default prompt applies when none is named; Prompt.None turns it off.
        AssertSame(encoder.Encode(new[] { "query: hello" }, Prompt.None), encoder.Encode(new[] { "hello" }), 1e-6f);
        AssertSame(encoder.EncodeDocument(new[] { "hello" }), encoder.Encode(new[] { "passage: hello" }, Prompt.None), 1e-6f);
        var a = encoder.Encode("a cat");
        var b = encoder.Encode("a dog");
        Assert.AreEqual(VectorMath.Dot(a, b), encoder.Similarity(a, b), 1e-9, "similarity_fn_name dot");
        string again = Path.Combine(Fixtures.NewTempDir(), "again");
        encoder.Save(again);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(again, SentenceEncoderConfig.FileName)))!;
        Assert.AreEqual("query", config["default_prompt_name"]!.GetValue<string>());
        Assert.AreEqual("dot", config["similarity_fn_name"]!.GetValue<string>());
        Assert.ThrowsExactly<ArgumentException>(() => encoder.Encode(new[] { "x" }, Prompt.Named("passage")));
    }

    /// <summary>Rewrites float32 tensors as F16 or BF16 safetensors.</summary>
    private static void WriteHalf(string path, IEnumerable<NamedArray> tensors, string dtype)
    {
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        long offset = 0;
        foreach (var t in list)
        {
            header[t.Name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(t.Shape.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + t.Data.Length * 2),
            };
            offset += t.Data.Length * 2;
        }
        var headerBytes = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = File.Create(path);
        var len = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(len, headerBytes.Length);
        stream.Write(len);
        stream.Write(headerBytes);
        var two = new byte[2];
        foreach (var t in list)
            foreach (float v in t.Data)
            {
                ushort bits = dtype == "F16" ? BitConverter.HalfToUInt16Bits((Half)v) : (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16);
                BinaryPrimitives.WriteUInt16LittleEndian(two, bits);
                stream.Write(two);
            }
    }
}
