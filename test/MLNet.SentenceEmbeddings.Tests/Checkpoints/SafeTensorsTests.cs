using System.Buffers.Binary;
using System.Text;
using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Tests.Checkpoints;

[TestClass]
public class SafeTensorsTests
{
    /// <summary>A file from a header text and a data section, laid out as the format says (no padding).</summary>
    internal static string Build(string dir, string name, string header, byte[] data)
    {
        string path = Path.Combine(dir, name);
        var h = Encoding.UTF8.GetBytes(header);
        using var s = File.Create(path);
        s.Write(BitConverter.GetBytes((long)h.Length));
        s.Write(h);
        s.Write(data);
        return path;
    }

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[v.Length * 4];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(i * 4), v[i]);
        return b;
    }

    private static InvalidDataException Refused(string path)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensors.Read(path));
        StringAssert.Contains(e.Message, path, "the message names the file");
        return e;
    }

    [TestMethod]
    public void RoundTripsFloat32WithMetadataAndWritesAlignedData()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "t.safetensors");
        var a = new NamedArray("b.weight", new long[] { 2, 3 }, new float[] { 1, -2, 3.5f, 0, 1e-3f, 7 });
        var b = new NamedArray("a.bias", new long[] { 2 }, new float[] { float.MaxValue, float.Epsilon });
        SafeTensors.Write(path, new[] { a, b }, new Dictionary<string, string> { ["format"] = "pt" });
        var back = SafeTensors.Read(path);
        CollectionAssert.AreEqual(a.Data, back["b.weight"].Data);
        CollectionAssert.AreEqual(a.Shape, back["b.weight"].Shape);
        CollectionAssert.AreEqual(b.Data, back["a.bias"].Data);
        var header = SafeTensors.ReadHeader(path);
        Assert.AreEqual("pt", header.Metadata["format"]);
        Assert.AreEqual(0, header.DataStart % 8, "data starts 8-byte aligned");
        CollectionAssert.AreEqual(new[] { "a.bias", "b.weight" }, header.Entries.Select(e => e.Name).ToArray(), "ordinal key order");
        Assert.AreEqual(header.DataStart + 8 * 4, new FileInfo(path).Length);
    }

    [TestMethod]
    public void ReadsHalfAndBFloat16AndSkipsIntegerBuffers()
    {
        string dir = Fixtures.NewTempDir();
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.0 = 0x3F80, -2.0 = 0xC000; then an int64 position_ids buffer.
        var data = new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0xC0, 5, 0, 0, 0, 0, 0, 0, 0 };
        string path = Build(dir, "h.safetensors",
            """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"embeddings.position_ids":{"dtype":"I64","shape":[1,1],"data_offsets":[8,16]}}""", data);
        var t = SafeTensors.Read(path);
        CollectionAssert.AreEqual(new float[] { 1, -2 }, t["h"].Data);
        CollectionAssert.AreEqual(new float[] { 1, -2 }, t["b"].Data);
        Assert.IsFalse(t.ContainsKey("embeddings.position_ids"));
    }

    [TestMethod]
    [DataRow(0x7fffffffffffffffL)]
    [DataRow(-1L)]
    [DataRow(0L)]
    [DataRow(1000L)]
    public void AHeaderLengthBeyondTheFileIsRefusedBeforeAllocating(long length)
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "huge.safetensors");
        var bytes = new byte[64];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, length);
        File.WriteAllBytes(path, bytes);
        StringAssert.Contains(Refused(path).Message, "header length");
    }

    [TestMethod]
    public void AHeaderLargerThanTheCapIsRefusedEvenWhenTheFileIsThatLong()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "sparse.safetensors");
        using (var s = File.Create(path))
        {
            s.Write(BitConverter.GetBytes(SafeTensors.MaxHeaderBytes + 1));
            s.SetLength(SafeTensors.MaxHeaderBytes + 100); // sparse: no disk used
        }
        StringAssert.Contains(Refused(path).Message, $"at most {SafeTensors.MaxHeaderBytes}");
    }

    [TestMethod]
    [DataRow("""{"x":{"shape":[1],"data_offsets":[0,4]}}""", "dtype")]
    [DataRow("""{"x":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}""", "dtype")]
    [DataRow("""{"x":{"dtype":"F32","data_offsets":[0,4]}}""", "shape")]
    [DataRow("""{"x":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}""", "shape")]
    [DataRow("""{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "shape[0]")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}""", "shape[0]")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1]}}""", "data_offsets")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}}""", "data_offsets")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[-8,-4]}}""", "data_offsets")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}}""", "data_offsets")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "data section")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}""", "data section")]
    [DataRow("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "expected 8")]
    [DataRow("""{"x":{"dtype":"F32","shape":[4611686018427387904, 4],"data_offsets":[0,4]}}""", "overflows")]
    [DataRow("""{"x":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}}""", "overflows")]
    [DataRow("""{"x":[1,2]}""", "expected an object")]
    [DataRow("""[1,2]""", "expected an object")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "twice")]
    [DataRow("""{"__metadata__":{"format":1},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "__metadata__.format")]
    [DataRow("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]""", "unreadable")]
    public void AMalformedHeaderNamesTheFileAndTheTensor(string header, string expected)
    {
        string path = Build(Fixtures.NewTempDir(), "bad.safetensors", header, Floats(1));
        var e = Refused(path);
        StringAssert.Contains(e.Message, expected);
        if (header.StartsWith("{\"x\":{") && expected != "unreadable") StringAssert.Contains(e.Message, "'x'");
    }

    [TestMethod]
    public void OverlapsGapsAndTrailingBytesAreRefused()
    {
        string dir = Fixtures.NewTempDir();
        StringAssert.Contains(Refused(Build(dir, "overlap.safetensors",
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", Floats(1, 2))).Message, "overlaps");
        StringAssert.Contains(Refused(Build(dir, "gap.safetensors",
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", Floats(1, 2, 3))).Message, "belong to no tensor");
        StringAssert.Contains(Refused(Build(dir, "trailing.safetensors",
            """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Floats(1, 2))).Message, "trailing");
    }

    [TestMethod]
    public void InvalidUtf8InTheHeaderIsNamed()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "utf8.safetensors");
        var h = Encoding.UTF8.GetBytes("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""");
        h[2] = 0xFF; // inside the tensor name
        using (var s = File.Create(path)) { s.Write(BitConverter.GetBytes((long)h.Length)); s.Write(h); s.Write(Floats(1)); }
        StringAssert.Contains(Refused(path).Message, "UTF-8");
    }

    [TestMethod]
    public void FilesBeyondTwoGibibytesAreReadByOffset()
    {
        // A 2.2 GB uint8 tensor (skipped, never read) followed by a float tensor past the 2 GiB mark; the file is sparse.
        string path = Path.Combine(Fixtures.NewTempDir(), "big.safetensors");
        long big = 2_200_000_000;
        var header = Encoding.UTF8.GetBytes(
            "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]}," +
            "\"tail\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + big + "," + (big + 12) + "]}}");
        using (var s = File.Create(path))
        {
            s.Write(BitConverter.GetBytes((long)header.Length));
            s.Write(header);
            s.Seek(big, SeekOrigin.Current);
            s.Write(Floats(1.5f, -2, 3));
        }
        Assert.IsTrue(new FileInfo(path).Length > int.MaxValue);
        var t = SafeTensors.Read(path);
        CollectionAssert.AreEqual(new float[] { 1.5f, -2, 3 }, t["tail"].Data);
        Assert.AreEqual(1, t.Count);
    }

    [TestMethod]
    public void ATruncatedFileIsRefusedNamingIt()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "t.safetensors");
        SafeTensors.Write(path, new[] { new NamedArray("x", new long[] { 100 }, new float[100]) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        Refused(path);
        File.WriteAllBytes(path, bytes[..5]);
        StringAssert.Contains(Refused(path).Message, "too short");
    }

    [TestMethod]
    public void AFailedWriteLeavesTheOldFileAndNoTemporaryFile()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "w.safetensors");
        SafeTensors.Write(path, new[] { new NamedArray("x", new long[] { 2 }, new float[] { 1, 2 }) });
        var before = File.ReadAllBytes(path);
        var bad = new NamedArray("y", new long[] { 3 }, new float[] { 1, 2 }); // shape says 3 values, data holds 2
        Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Write(path, new[] { new NamedArray("x", new long[] { 1 }, new float[] { 9 }), bad }));
        Assert.ThrowsExactly<ArgumentException>(() => SafeTensors.Write(path, new[] { bad with { Shape = new long[] { 2 } }, bad with { Shape = new long[] { 2 } } }));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "w.safetensors" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void WritingOverAnExistingFileReplacesIt()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "w.safetensors");
        SafeTensors.Write(path, new[] { new NamedArray("x", new long[] { 2 }, new float[] { 1, 2 }) });
        SafeTensors.Write(path, new[] { new NamedArray("z", new long[] { 1 }, new float[] { 3 }) });
        var t = SafeTensors.Read(path);
        CollectionAssert.AreEqual(new[] { "z" }, t.Keys.ToArray());
        Assert.AreEqual(1, Directory.GetFiles(dir).Length);
    }
}
