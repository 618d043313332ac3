using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tests.Packaging;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

/// <summary>
/// Fuzzing: real files (a small safetensors, config.json, modules.json, tokenizer_config.json, vocab.txt,
/// tokenizer.json, 1_Pooling/config.json) mutated by truncation, bit flips, inserted and deleted bytes, huge lengths and
/// numbers, wrong JSON types, and '..' or absolute paths. Every case must end in success or an
/// InvalidDataException / FileNotFoundException / DirectoryNotFoundException whose message names the file; never
/// another exception type, an allocation far beyond the input's size, a file written, or a file read from outside.
/// Seeded, so a failure names a case that can be replayed.
/// </summary>
[TestClass]
public class HostileFileTests
{
    private const int Seed = 20261201;

    /// <summary>Bytes a reader may allocate per case: a small multiple of its input (F16 doubles on the way to float32) plus slack.</summary>
    private static long AllocationLimit(long inputBytes) => 32 * inputBytes + (8 << 20);

    private static readonly Type[] Allowed = { typeof(InvalidDataException), typeof(FileNotFoundException), typeof(DirectoryNotFoundException) };

    // ---- the outcome of one case ----

    private sealed class Tally
    {
        public int Cases, Succeeded;
        public readonly SortedDictionary<string, int> Refused = new(StringComparer.Ordinal);
        public readonly List<string> Failures = new();
        public override string ToString() =>
            $"{Cases} cases: {Succeeded} read, {Cases - Succeeded - Failures.Count} refused ({string.Join(", ", Refused.Select(r => $"{r.Key} {r.Value}"))})";
    }

    /// <summary>Runs <paramref name="read"/> and checks the contract; <paramref name="mustName"/> are strings of which the message must hold one.</summary>
    private static void Check(Tally tally, string what, long inputBytes, Action read, params string[] mustName)
    {
        tally.Cases++;
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try { read(); }
        catch (Exception e) { error = e; }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationLimit(inputBytes))
            tally.Failures.Add($"{what}: allocated {allocated:N0} bytes for {inputBytes:N0} bytes of input");
        if (error is null) { tally.Succeeded++; return; }
        if (!Allowed.Contains(error.GetType()))
            tally.Failures.Add($"{what}: {error.GetType().Name}: {error.Message}");
        else if (!mustName.Any(n => error.Message.Contains(n, StringComparison.Ordinal)))
            tally.Failures.Add($"{what}: {error.GetType().Name} names none of [{string.Join(", ", mustName)}]: {error.Message}");
        else
        {
            tally.Refused.TryGetValue(error.GetType().Name, out int n);
            tally.Refused[error.GetType().Name] = n + 1;
        }
    }

    private static void AssertClean(Tally tally, string target)
    {
        Console.WriteLine($"{target}: {tally}");
        Results[target] = tally;
        if (tally.Failures.Count == 0) return;
        // Grouped by file and kind of failure ("case 12 (modules.json): InvalidOperationException: ..."), most frequent first.
        var groups = tally.Failures
            .GroupBy(f => System.Text.RegularExpressions.Regex.Replace(f, @"^case \d+ ?", "").Split(':')[0] + ":" + f.Split(':').ElementAtOrDefault(1))
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count(),5} x {g.Key.Trim()} -- e.g. {g.First()}");
        Assert.Fail($"{target}: {tally.Failures.Count} of {tally.Cases} cases broke the contract:\n" + string.Join("\n", groups));
    }

    // ---- the figures of docs/reliability.md ----

    private const string WriteDocVariable = "SBERT_WRITE_RELIABILITY_DOC";
    private const string SectionStart = "<!-- reliability-fuzz:start -->", SectionEnd = "<!-- reliability-fuzz:end -->";
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Tally> Results = new();

    /// <summary>
    /// With SBERT_WRITE_RELIABILITY_DOC=1, writes this run's counts into the generated section of docs/reliability.md:
    /// <c>SBERT_WRITE_RELIABILITY_DOC=1 dotnet test test/MLNet.SentenceEmbeddings.Tests -c Release --filter HostileFileTests</c>.
    /// </summary>
    [ClassCleanup]
    public static void WriteFiguresWhenAsked()
    {
        if (Environment.GetEnvironmentVariable(WriteDocVariable) != "1" || Results.Count < 4) return;
        string doc = Path.Combine(LocalPackages.RepositoryRoot, "docs", "reliability.md");
        string text = File.ReadAllText(doc).ReplaceLineEndings("\n");
        int start = text.IndexOf(SectionStart, StringComparison.Ordinal), end = text.IndexOf(SectionEnd, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidDataException($"{doc}: no {SectionStart} ... {SectionEnd} section to write.");
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        var section = new StringBuilder();
        section.Append(SectionStart).Append('\n');
        section.Append($"Generated {DateTime.UtcNow:yyyy-MM-dd} on {cpu}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, by\n");
        section.Append($"`{WriteDocVariable}=1 dotnet test test/MLNet.SentenceEmbeddings.Tests -c Release --filter HostileFileTests` (seed {Seed}).\n\n");
        section.Append("| reader | mutated cases | read | refused with a named error | broke the contract |\n|---|---:|---:|---|---:|\n");
        foreach (var (target, t) in Results.OrderBy(r => r.Key, StringComparer.Ordinal))
            section.Append($"| `{target}` | {t.Cases} | {t.Succeeded} | {string.Join(", ", t.Refused.Select(r => $"{r.Key} {r.Value}"))} | {t.Failures.Count} |\n");
        section.Append(SectionEnd);
        File.WriteAllText(doc, text[..start] + section + text[(end + SectionEnd.Length)..]);
    }

    // ---- mutations ----

    private static readonly string[] HostileJson =
    {
        "null", "true", "false", "\"\"", "\"x\"", "-1", "0", "1.5", "2147483648", "-9223372036854775809", "1e30", "1e400",
        "1000000000000000019884624838656", "[]", "{}", "[1,2,3]", "[\"a\",null]", "{\"a\":{\"b\":[{}]}}",
        "\"../../outside\"", "\"/etc/passwd\"", "\"..\"", "\"1_Pooling/../../outside\"", "\"" + new string('z', 5000) + "\"",
    };

    private static byte[] MutateBytes(Random rng, byte[] original)
    {
        var b = (byte[])original.Clone();
        switch (rng.Next(5))
        {
            case 0: return b[..rng.Next(b.Length + 1)]; // truncate
            case 1: // flip 1-8 bits
                for (int i = 0, n = rng.Next(1, 9); i < n && b.Length > 0; i++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return b;
            case 2: // overwrite a byte with an extreme value
                if (b.Length > 0) b[rng.Next(b.Length)] = (byte)(rng.Next(2) == 0 ? 0x00 : 0xFF);
                return b;
            case 3: // insert random bytes
            {
                int at = rng.Next(b.Length + 1);
                var extra = new byte[rng.Next(1, 16)];
                rng.NextBytes(extra);
                return b[..at].Concat(extra).Concat(b[at..]).ToArray();
            }
            default: // delete a range
            {
                if (b.Length == 0) return b;
                int at = rng.Next(b.Length), len = rng.Next(1, Math.Min(64, b.Length - at) + 1);
                return b[..at].Concat(b[(at + len)..]).ToArray();
            }
        }
    }

    /// <summary>Replaces, removes or adds one value somewhere in a JSON document.</summary>
    private static string MutateJson(Random rng, string text)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return text; }
        if (root is null) return text;
        var nodes = new List<JsonNode>();
        void Walk(JsonNode n)
        {
            nodes.Add(n);
            if (n is JsonObject o) foreach (var (_, v) in o) { if (v is not null) Walk(v); }
            else if (n is JsonArray a) foreach (var v in a) { if (v is not null) Walk(v); }
        }
        Walk(root);
        var target = nodes[rng.Next(nodes.Count)];
        var hostile = JsonNode.Parse(HostileJson[rng.Next(HostileJson.Length)]);
        if (target == root) return hostile?.ToJsonString() ?? "null";
        var parent = target.Parent!;
        if (parent is JsonObject po)
        {
            string key = po.First(p => ReferenceEquals(p.Value, target)).Key;
            if (rng.Next(4) == 0) po.Remove(key);
            else po[key] = hostile;
        }
        else if (parent is JsonArray pa)
        {
            int i = pa.IndexOf(target);
            if (rng.Next(4) == 0) pa.RemoveAt(i);
            else pa[i] = hostile;
        }
        return root.ToJsonString();
    }

    private static byte[] MutateJsonFile(Random rng, byte[] original) =>
        rng.Next(3) == 0 ? MutateBytes(rng, original) : Encoding.UTF8.GetBytes(MutateJson(rng, Encoding.UTF8.GetString(original)));

    // ---- the real files ----

    /// <summary>A small safetensors with every dtype case: F32, F16, BF16, an I64 buffer and an empty tensor.</summary>
    private static byte[] SmallSafeTensors()
    {
        var rng = new Random(Seed);
        var data = new List<byte>();
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        void Add(string name, string dtype, long[] shape, int bytesPerElement)
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            var raw = new byte[count * bytesPerElement];
            rng.NextBytes(raw);
            if (dtype == "F32") for (int i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), (float)rng.NextDouble());
            header[name] = new JsonObject
            {
                ["dtype"] = dtype, ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(data.Count, data.Count + raw.Length),
            };
            data.AddRange(raw);
        }
        Add("encoder.weight", "F32", new long[] { 4, 8 }, 4);
        Add("encoder.half", "F16", new long[] { 6 }, 2);
        Add("encoder.bf", "BF16", new long[] { 2, 3 }, 2);
        Add("embeddings.position_ids", "I64", new long[] { 1, 4 }, 8);
        Add("empty", "F32", new long[] { 0, 3 }, 4);
        return Layout(Encoding.UTF8.GetBytes(header.ToJsonString()), data.ToArray());
    }

    private static byte[] Layout(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(file, header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>Header-aware mutations (the JSON mutated, the length recomputed, so the case gets past the length check), or raw bytes, or a hostile length.</summary>
    private static byte[] MutateSafeTensors(Random rng, byte[] original)
    {
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(original);
        switch (rng.Next(3))
        {
            case 0:
                var header = Encoding.UTF8.GetString(original, 8, (int)headerLength);
                return Layout(Encoding.UTF8.GetBytes(MutateJson(rng, header)), original[(8 + (int)headerLength)..]);
            case 1:
                return MutateBytes(rng, original);
            default:
                var b = (byte[])original.Clone();
                ulong[] lengths = { 0, 1, 7, (ulong)headerLength - 1, (ulong)headerLength + 1, (ulong)original.Length - 8, (ulong)original.Length,
                    int.MaxValue, uint.MaxValue, (ulong)SafeTensors.MaxHeaderBytes + 1, long.MaxValue, ulong.MaxValue, 1UL << 63 };
                BinaryPrimitives.WriteUInt64LittleEndian(b, lengths[rng.Next(lengths.Length)]);
                return b;
        }
    }

    // ---- direct readers: must hold today ----

    [TestMethod]
    public void SafeTensorsReadSurvivesMutatedFiles()
    {
        var rng = new Random(Seed);
        var original = SmallSafeTensors();
        Assert.AreEqual(4, SafeTensors.Read(Write(Fixtures.NewTempDir(), "model.safetensors", original)).Count, "the unmutated file reads (4 float tensors)");
        string dir = Fixtures.NewTempDir();
        var tally = new Tally();
        for (int i = 0; i < 3000; i++)
        {
            var bytes = MutateSafeTensors(rng, original);
            string path = Write(dir, "model.safetensors", bytes);
            Check(tally, $"case {i}", bytes.Length, () => SafeTensors.Read(path), path);
        }
        AssertNothingElseIn(dir, "model.safetensors");
        AssertClean(tally, "SafeTensors.Read");
    }

    [TestMethod]
    public void SafeTensorsIndexSurvivesMutatedIndexesAndShards()
    {
        var rng = new Random(Seed);
        string dir = Fixtures.NewTempDir();
        var shard = SmallSafeTensors();
        var index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = shard.Length },
            ["weight_map"] = new JsonObject
            {
                ["encoder.weight"] = "model-1.safetensors", ["encoder.half"] = "model-1.safetensors", ["encoder.bf"] = "model-1.safetensors",
                ["embeddings.position_ids"] = "model-1.safetensors", ["empty"] = "model-1.safetensors",
            },
        }.ToJsonString());
        // A valid shard outside the folder: reading it through a '..' or absolute name would succeed, so success there is a failure.
        string outside = Fixtures.NewTempDir();
        Write(outside, "model-1.safetensors", shard);
        var tally = new Tally();
        for (int i = 0; i < 1500; i++)
        {
            bool mutateIndex = rng.Next(2) == 0;
            var indexBytes = mutateIndex ? MutateJsonFile(rng, index) : index;
            string text = Encoding.UTF8.GetString(indexBytes);
            if (mutateIndex && rng.Next(4) == 0) // aim a shard name outside the folder
                text = text.Replace("\"model-1.safetensors\"", rng.Next(2) == 0 ? $"\"../{Path.GetFileName(outside)}/model-1.safetensors\"" : $"\"{outside}/model-1.safetensors\"");
            var shardBytes = mutateIndex ? shard : MutateSafeTensors(rng, shard);
            string indexPath = Write(dir, SafeTensorsIndex.FileName, Encoding.UTF8.GetBytes(text));
            string shardPath = Write(dir, "model-1.safetensors", shardBytes);
            bool pointsOutside = text.Contains(Path.GetFileName(outside), StringComparison.Ordinal);
            Check(tally, $"case {i}", indexBytes.Length + shardBytes.Length, () =>
            {
                SafeTensorsIndex.Read(indexPath).ReadTensors();
                if (pointsOutside) throw new ReadOutsideException($"read a shard outside the folder: {text}");
            }, indexPath, shardPath);
        }
        AssertNothingElseIn(dir, SafeTensorsIndex.FileName, "model-1.safetensors");
        AssertClean(tally, "SafeTensorsIndex");
    }

    [TestMethod]
    public void BertConfigLoadSurvivesMutatedConfigs()
    {
        var rng = new Random(Seed);
        string source = Fixtures.NewTempDir();
        Fixtures.TinyConfig.Save(Path.Combine(source, "config.json"));
        var original = File.ReadAllBytes(Path.Combine(source, "config.json"));
        string dir = Fixtures.NewTempDir();
        var tally = new Tally();
        for (int i = 0; i < 2000; i++)
        {
            var bytes = MutateJsonFile(rng, original);
            string path = Write(dir, "config.json", bytes);
            Check(tally, $"case {i}", bytes.Length, () => BertConfig.Load(path), path);
        }
        AssertNothingElseIn(dir, "config.json");
        AssertClean(tally, "BertConfig.Load");
    }

    [TestMethod]
    public void JsonConfigFileSurvivesMutatedModelFiles()
    {
        // The typed reads a folder reader makes of tokenizer_config.json, sentence_bert_config.json, 1_Pooling/config.json, modules.json.
        var rng = new Random(Seed);
        string folder = TinyFolder();
        var files = new[] { "tokenizer_config.json", "sentence_bert_config.json", Path.Combine("1_Pooling", "config.json"), "modules.json" };
        string dir = Fixtures.NewTempDir();
        var tally = new Tally();
        for (int i = 0; i < 2000; i++)
        {
            string name = files[rng.Next(files.Length)];
            var bytes = MutateJsonFile(rng, File.ReadAllBytes(Path.Combine(folder, name)));
            string path = Write(dir, Path.GetFileName(name), bytes);
            Check(tally, $"case {i} ({name})", bytes.Length, () =>
            {
                if (name == "modules.json")
                {
                    foreach (var m in JsonConfigFile.ReadArray(path)) { m.GetString("type"); m.GetString("path"); m.GetInt32("idx"); }
                    return;
                }
                var c = JsonConfigFile.Read(path);
                foreach (var key in c.Keys.ToList())
                {
                    // Each key read as what the format says it is.
                    if (key is "model_max_length") c.GetLimit(key);
                    else if (key is "max_seq_length" or "word_embedding_dimension" or "embedding_dimension") c.GetInt32(key);
                    else if (key is "pooling_mode") c.GetStrings(key);
                    else if (key.StartsWith("pooling_mode_", StringComparison.Ordinal) || key is "do_lower_case" or "include_prompt") c.GetBoolean(key);
                    else c.GetString(key);
                }
            }, path);
        }
        AssertClean(tally, "JsonConfigFile");
    }

    // ---- whole folders through today's ModelFolder (the lead's redesign keeps a reader with this contract) ----

    [TestMethod]

    public void ModelFolderReadSurvivesMutatedFolders()
    {
        var rng = new Random(Seed);
        string vocabFolder = TinyFolder();
        string tokenizerJsonFolder = TinyFolderWithTokenizerJson();
        // A decoy beside the folders: a valid pooling config whose mode no folder here uses. Loading it means a path
        // in modules.json reached outside the model folder.
        string decoy = Fixtures.NewTempDir();
        Directory.CreateDirectory(Path.Combine(decoy, "1_Pooling"));
        File.WriteAllText(Path.Combine(decoy, "1_Pooling", "config.json"), """{"embedding_dimension": 16, "pooling_mode": "mean_sqrt_len"}""");
        File.WriteAllText(Path.Combine(decoy, "config.json"), """{"embedding_dimension": 16, "pooling_mode": "mean_sqrt_len"}""");
        var tally = new Tally();
        for (int i = 0; i < 1000; i++)
        {
            string source = rng.Next(4) == 0 ? tokenizerJsonFolder : vocabFolder;
            var names = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(source, f)).Order().ToArray();
            string name = names[rng.Next(names.Length)];
            string folder = Path.Combine(Fixtures.NewTempDir(), "model");
            Fixtures.CopyDirectory(source, folder);
            string path = Path.Combine(folder, name);
            var original = File.ReadAllBytes(path);
            byte[] bytes = name.EndsWith(".safetensors", StringComparison.Ordinal) ? MutateSafeTensors(rng, original)
                : name.EndsWith(".json", StringComparison.Ordinal) ? MutateJsonFile(rng, original) : MutateBytes(rng, original);
            if (name == "modules.json" && rng.Next(2) == 0) // aim the pooling module outside the folder
                bytes = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original).Replace("\"1_Pooling\"",
                    rng.Next(2) == 0 ? $"\"../../{Path.GetFileName(decoy)}/1_Pooling\"" : $"\"{decoy}\""));
            File.WriteAllBytes(path, bytes);
            long input = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Check(tally, $"case {i} ({name})", input, () =>
            {
                using var encoder = SentenceEncoder.Load(folder);
                if (encoder.Pooling.Mode == PoolingMode.MeanSqrtLen) throw new ReadOutsideException($"read the decoy outside the folder through {name}");
            }, folder);
            Directory.Delete(Path.GetDirectoryName(folder)!, true);
        }
        AssertClean(tally, "SentenceEncoder.Load");
    }

    // ---- helpers ----

    /// <summary>A case that succeeded by reading a file outside the folder it was given.</summary>
    private sealed class ReadOutsideException(string message) : Exception(message);

    private static string Write(string dir, string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Readers write nothing: the fuzz folder holds only the files the test itself wrote.</summary>
    private static void AssertNothingElseIn(string dir, params string[] expected) =>
        CollectionAssert.AreEquivalent(expected, Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).ToArray(), "a reader wrote into the folder");

    private static readonly Lazy<string> TinyFolderLazy = new(() =>
    {
        // 16-wide, 1 layer, 40-token vocabulary: a complete sentence-transformers folder of a few KB.
        string vocab = string.Join("\n", new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }
            .Concat(Enumerable.Range(0, 35).Select(i => $"w{i}"))) + "\n";
        var config = new BertConfig { HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 32, MaxPositionEmbeddings = 16 };
        using var encoder = SentenceEncoder.CreateRandom(config, vocab, maxSequenceLength: 16, pooling: PoolingMode.Cls, normalize: true, seed: 3);
        string folder = Path.Combine(Fixtures.NewTempDir(), "tiny");
        encoder.Save(folder);
        return folder;
    });

    private static string TinyFolder() => TinyFolderLazy.Value;

    private static string TinyFolderWithTokenizerJson()
    {
        string folder = Path.Combine(Fixtures.NewTempDir(), "tiny-tokenizer-json");
        Fixtures.CopyDirectory(TinyFolder(), folder);
        var vocab = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
        var map = new JsonObject();
        for (int i = 0; i < vocab.Length; i++) map[vocab[i]] = i;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), new JsonObject
        {
            ["normalizer"] = new JsonObject { ["type"] = "BertNormalizer", ["lowercase"] = true },
            ["model"] = new JsonObject { ["type"] = "WordPiece", ["vocab"] = map },
        }.ToJsonString());
        File.Delete(Path.Combine(folder, "vocab.txt"));
        return folder;
    }
}
