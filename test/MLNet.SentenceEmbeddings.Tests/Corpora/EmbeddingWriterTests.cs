using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MLNet.SentenceEmbeddings.Corpora;
using Parquet;

namespace MLNet.SentenceEmbeddings.Tests.Corpora;

[TestClass]
public class EmbeddingWriterTests
{
    private const int Dim = 3;

    /// <summary>Seven rows with values that print long in text, negative zero and extremes included.</summary>
    private static float[] Rows() => Enumerable.Range(0, 7 * Dim)
        .Select(i => i switch { 0 => -0f, 1 => float.MaxValue, 2 => float.Epsilon, _ => MathF.Sin(i) / 3 }).ToArray();

    private static byte[] WriteInChunks(string path, float[] rows, int[] chunkRows, long firstRowId = 0, int groupRows = 4)
    {
        using var writer = EmbeddingWriter.Create(path, Dim, new EmbeddingWriterOptions { FirstRowId = firstRowId, ParquetRowGroupRows = groupRows });
        int at = 0;
        foreach (int n in chunkRows) { writer.Write(rows.AsSpan(at * Dim, n * Dim)); at += n; }
        Assert.AreEqual(rows.Length / Dim, (int)writer.RowsWritten);
        Assert.IsFalse(File.Exists(path), "nothing at the final path before Complete");
        writer.Complete();
        return File.ReadAllBytes(path);
    }

    [TestMethod]
    [DataRow(".tsv")]
    [DataRow(".npy")]
    [DataRow(".parquet")]
    [DataRow(".safetensors")]
    public void BytesDoNotDependOnHowRowsWereBatchedAndReadBackExactly(string extension)
    {
        string dir = Fixtures.NewTempDir();
        var rows = Rows();
        byte[] once = WriteInChunks(Path.Combine(dir, "a" + extension), rows, new[] { 7 });
        byte[] pieces = WriteInChunks(Path.Combine(dir, "b" + extension), rows, new[] { 1, 0, 3, 2, 1 });
        CollectionAssert.AreEqual(once, pieces);
        var back = EmbeddingFileReader.Read(Path.Combine(dir, "a" + extension));
        Assert.AreEqual(7, back.Rows);
        Assert.AreEqual(Dim, back.Dimension);
        // Bit-exact: -0 stays -0.
        CollectionAssert.AreEqual(rows.Select(BitConverter.SingleToInt32Bits).ToArray(), back.Data.Select(BitConverter.SingleToInt32Bits).ToArray());
        Assert.AreEqual(0, Directory.GetFiles(dir, "*.tmp").Length + Directory.GetFiles(dir, ".*").Length, "no temporary file left");
    }

    [TestMethod]
    public void NpyFollowsNumpysFormatOneZero()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "v.npy");
        byte[] bytes = WriteInChunks(path, Rows(), new[] { 7 });
        CollectionAssert.AreEqual(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8, 2));
        Assert.AreEqual(0, (10 + headerLength) % 64, "data aligned to 64 bytes");
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        StringAssert.StartsWith(header, "{'descr': '<f4', 'fortran_order': False, 'shape': (7, 3), }");
        Assert.IsTrue(header.EndsWith('\n') && header.TrimEnd('\n').TrimEnd(' ').EndsWith('}'), "padded with spaces, ended by a newline");
        Assert.AreEqual(10 + headerLength + 7 * Dim * 4, bytes.Length);
        Assert.AreEqual(Rows()[5], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(10 + headerLength + 5 * 4)));
    }

    [TestMethod]
    public void SafeTensorsHoldsOneF32TensorNamedEmbeddings()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "v.safetensors");
        byte[] bytes = WriteInChunks(path, Rows(), new[] { 7 });
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.AreEqual(0, n % 8);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var t = header.RootElement.GetProperty("embeddings");
        Assert.AreEqual("F32", t.GetProperty("dtype").GetString());
        CollectionAssert.AreEqual(new long[] { 7, Dim }, t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 7 * Dim * 4 }, t.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray());
        Assert.AreEqual(8 + n + 7 * Dim * 4, bytes.Length);
    }

    [TestMethod]
    public async Task ParquetIdsCountFromTheFirstRowInRowGroupsOfTheChosenSize()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "v.parquet");
        WriteInChunks(path, Rows(), new[] { 2, 5 }, firstRowId: 100, groupRows: 3);
        using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.AreEqual(3, reader.RowGroupCount, "7 rows in groups of 3");
        var ids = new List<long>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var buffer = new long[group.RowCount];
            await group.ReadAsync<long>(reader.Schema.GetDataFields().Single(f => f.Name == "id"), buffer.AsMemory(), null);
            ids.AddRange(buffer);
        }
        CollectionAssert.AreEqual(Enumerable.Range(100, 7).Select(i => (long)i).ToArray(), ids);
    }

    [TestMethod]
    public void AnAbandonedWriterLeavesNothingAndKeepsTheOldFile()
    {
        string dir = Fixtures.NewTempDir(), path = Path.Combine(dir, "v.npy");
        File.WriteAllText(path, "old");
        using (var writer = EmbeddingWriter.Create(path, Dim)) writer.Write(Rows());
        Assert.AreEqual("old", File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(dir).Length, "the temporary file is gone");
        Assert.ThrowsExactly<ArgumentException>(() => { using var w = EmbeddingWriter.Create(Path.Combine(dir, "x.npy"), Dim); w.Write(new float[4]); });
    }

    [TestMethod]
    public void ReadingAFileWhoseHeaderLiesFailsBeforeAllocating()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "v.npy");
        WriteInChunks(path, Rows(), new[] { 7 });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => EmbeddingFileReader.Read(path));
        StringAssert.Contains(e.Message, "v.npy");
        StringAssert.Contains(e.Message, "(7, 3)");
    }
}
