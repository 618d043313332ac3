using MLNet.SentenceEmbeddings.Corpora;
using Parquet;
using Parquet.Schema;

namespace MLNet.SentenceEmbeddings.Tests.Corpora;

[TestClass]
public class CorpusReaderTests
{
    private static string Write(string name, string content)
    {
        string path = Path.Combine(Fixtures.NewTempDir(), name);
        File.WriteAllText(path, content);
        return path;
    }

    private static List<CorpusRow> Read(string path, CorpusReaderOptions? options = null) => CorpusReader.Read(path, options).ToList();

    [TestMethod]
    public void TextLinesKeepEmptyLinesAndCountAsTheyRead()
    {
        foreach (var content in new[] { "a\r\n\r\nb c\n", "a\n\nb c", "\uFEFFa\n\nb c\n", "a\r\rb c\r\n" })
        {
            string path = Write("c.txt", content);
            var rows = Read(path);
            CollectionAssert.AreEqual(new[] { "a", "", "b c" }, rows.Select(r => r.Text).ToArray(), content);
            CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, rows.Select(r => r.Index).ToArray());
            Assert.AreEqual(3L, CorpusReader.CountRows(path), content);
        }
        Assert.AreEqual(0L, CorpusReader.CountRows(Write("e.txt", "\uFEFF")));
    }

    [TestMethod]
    public void CsvFollowsRfc4180QuotingAndFindsTheColumnByName()
    {
        string path = Write("c.csv", "id,text,label\r\n1,\"Hello, world\",x\r\n2,\"She said \"\"hi\"\"\nand left\",y\r\n3,plain,z\r\n");
        var rows = Read(path, new CorpusReaderOptions { Column = "text" });
        CollectionAssert.AreEqual(new[] { "Hello, world", "She said \"hi\"\nand left", "plain" }, rows.Select(r => r.Text).ToArray());
        // By index: no header unless asked.
        CollectionAssert.AreEqual(new[] { "id", "1", "2", "3" }, Read(path, new CorpusReaderOptions { Column = "0" }).Select(r => r.Text).ToArray());
        CollectionAssert.AreEqual(new[] { "x", "y", "z" }, Read(path, new CorpusReaderOptions { Column = "2", HasHeader = true }).Select(r => r.Text).ToArray());
        Assert.AreEqual(3L, CorpusReader.CountRows(path, new CorpusReaderOptions { Column = "text" }));
    }

    [TestMethod]
    public void MalformedCsvAndMissingColumnsNameTheFileAndLine()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read(Write("u.csv", "a\n\"open\nstill open\n"), new CorpusReaderOptions()));
        StringAssert.Contains(e.Message, "u.csv, line 2");
        e = Assert.ThrowsExactly<InvalidDataException>(() => Read(Write("m.csv", "id,body\n1,x\n"), new CorpusReaderOptions { Column = "text" }));
        StringAssert.Contains(e.Message, "no column 'text'");
        StringAssert.Contains(e.Message, "'body'");
        e = Assert.ThrowsExactly<InvalidDataException>(() => Read(Write("s.tsv", "a\tb\nc\n"), new CorpusReaderOptions { Column = "1" }));
        StringAssert.Contains(e.Message, "s.tsv, line 2");
    }

    [TestMethod]
    public void TsvHasNoQuotingAndReadsAColumnByIndex()
    {
        string path = Write("c.tsv", "\"quoted\"\tsecond, with comma\nx\ty\n");
        CollectionAssert.AreEqual(new[] { "second, with comma", "y" }, Read(path, new CorpusReaderOptions { Column = "1" }).Select(r => r.Text).ToArray());
        CollectionAssert.AreEqual(new[] { "\"quoted\"", "x" }, Read(path).Select(r => r.Text).ToArray());
    }

    [TestMethod]
    public void JsonLinesReadTheFieldSkipBlankLinesAndNameBadLines()
    {
        string path = Write("c.jsonl", "{\"text\": \"one\", \"n\": 1}\n\n{\"text\": \"two \\u00e9\"}\n{\"body\": \"x\", \"text\": null}\n");
        CollectionAssert.AreEqual(new[] { "one", "two é", "" }, Read(path).Select(r => r.Text).ToArray());
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, Read(path).Select(r => r.Index).ToArray());
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read(path, new CorpusReaderOptions { Field = "body" }));
        StringAssert.Contains(e.Message, "c.jsonl, line 1: no field 'body'");
        e = Assert.ThrowsExactly<InvalidDataException>(() => Read(Write("b.jsonl", "{\"text\": 3}\n")));
        StringAssert.Contains(e.Message, "expected a string");
    }

    [TestMethod]
    public async Task ParquetReadsAStringColumnAcrossRowGroups()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "c.parquet");
        var id = new DataField<int>("id");
        var text = new DataField<string>("text");
        using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, text), stream))
        {
            foreach (var group in new[] { new[] { "a", "b" }, new[] { "c" } })
            {
                using var g = writer.CreateRowGroup();
                await g.WriteAsync<int>(id, Enumerable.Range(0, group.Length).ToArray().AsMemory(), null);
                await g.WriteAsync(text, group, null);
            }
        }
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, Read(path).Select(r => r.Text).ToArray(), "the only string column by default");
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, Read(path, new CorpusReaderOptions { Column = "text" }).Select(r => r.Index).ToArray());
        Assert.AreEqual(3L, CorpusReader.CountRows(path));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read(path, new CorpusReaderOptions { Column = "id" }));
        StringAssert.Contains(e.Message, "expected strings");
    }

    [TestMethod]
    public void RowsAreReadLazily()
    {
        // The malformed last line is only met if the reader goes that far: the first row comes without reading it.
        string path = Write("lazy.jsonl", "{\"text\": \"first\"}\n" + string.Concat(Enumerable.Repeat("{\"text\": \"x\"}\n", 10_000)) + "not json\n");
        Assert.AreEqual("first", CorpusReader.Read(path).First().Text);
        Assert.ThrowsExactly<InvalidDataException>(() => CorpusReader.Read(path).Count());
    }

    [TestMethod]
    public void UnknownExtensionsAreRejectedWithTheKnownOnes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => CorpusReader.Read("corpus.xlsx"));
        StringAssert.Contains(e.Message, ".jsonl");
    }
}
