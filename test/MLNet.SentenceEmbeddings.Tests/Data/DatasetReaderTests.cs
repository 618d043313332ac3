using System.Text;
using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Tests.Data;

/// <summary>Each reader on a small fixture built here, with the quirks of the real files (../shared/data/SOURCES.md).</summary>
[TestClass]
public class DatasetReaderTests
{
    private static string Write(string name, string text, bool bom = false)
    {
        string path = Path.Combine(Fixtures.NewTempDir(), name);
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    [TestMethod]
    public void SickSkipsTheHeaderAndHandlesCrlf()
    {
        string path = Write("SICK_test_annotated.txt",
            "pair_ID\tsentence_A\tsentence_B\trelatedness_score\tentailment_judgment\r\n" +
            "1\tA dog runs.\tA dog is running.\t4.5\tENTAILMENT\r\n2\tA man cooks.\tA cat sleeps.\t1.2\tNEUTRAL\r\n");
        var rows = SickReader.Read(path);
        Assert.AreEqual(2, rows.Count);
        Assert.AreEqual(4.5, rows[0].Relatedness.Score);
        Assert.AreEqual("A dog is running.", rows[0].Relatedness.Sentence2, "no trailing \\r");
        Assert.AreEqual("neutral", rows[1].Entailment.Label);
    }

    [TestMethod]
    public void SickMalformedScoreNamesFileAndLine()
    {
        string path = Write("SICK_bad.txt", "header\n1\ta\tb\tx\tNEUTRAL\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SickReader.Read(path)).Message, "SICK_bad.txt:2");
    }

    [TestMethod]
    public void SnliReadsTheThreeFilesAndBuildsTriplets()
    {
        string dir = Fixtures.NewTempDir();
        File.WriteAllLines(Path.Combine(dir, "s1.dev"), new[] { "A man plays .", "A man plays .", "A man plays .", "Kids swim ." });
        File.WriteAllLines(Path.Combine(dir, "s2.dev"), new[] { "A person plays .", "A man sleeps .", "A man is outside .", "Kids are wet ." });
        File.WriteAllLines(Path.Combine(dir, "labels.dev"), new[] { "entailment", "contradiction", "neutral", "entailment" });
        var pairs = SnliReader.Read(Path.Combine(dir, "s1.dev"));
        Assert.AreEqual(4, pairs.Count);
        var triplets = SnliReader.Triplets(pairs);
        Assert.AreEqual(1, triplets.Count, "only the premise with both an entailment and a contradiction");
        Assert.AreEqual(("A man plays .", "A person plays .", "A man sleeps ."), triplets[0]);
        File.WriteAllLines(Path.Combine(dir, "labels.dev"), new[] { "entailment" });
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SnliReader.Read(Path.Combine(dir, "s1.dev"))).Message, "same count");
    }

    [TestMethod]
    public void MrpcDropsTheBomAndHeader()
    {
        string path = Write("msr_paraphrase_test.txt", "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tHe said.\tHe stated.\n0\t3\t4\tA.\tB.", bom: true);
        var rows = MrpcReader.Read(path);
        Assert.AreEqual(2, rows.Count);
        Assert.AreEqual("1", rows[0].Label);
        Assert.AreEqual("B.", rows[1].Sentence2);
    }

    [TestMethod]
    public void TsvKeepsLineNumbersForErrors()
    {
        string path = Write("pairs.tsv", "a\tb\t0.5\n\nc\td\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TsvReader.Read(path, 3));
        StringAssert.Contains(e.Message, "pairs.tsv:3");
    }
}
