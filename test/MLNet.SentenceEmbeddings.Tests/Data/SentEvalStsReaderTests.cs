using System.Text;
using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Tests.Data;

/// <summary>The SentEval STS year layout (STS.input.NAME.txt + STS.gs.NAME.txt) on a fixture written here.</summary>
[TestClass]
public class SentEvalStsReaderTests
{
    private static string Year(params (string Name, string Input, string Gold)[] subsets)
    {
        string dir = Path.Combine(Fixtures.NewTempDir(), "STS16-en-test");
        Directory.CreateDirectory(dir);
        foreach (var (name, input, gold) in subsets)
        {
            File.WriteAllText(Path.Combine(dir, $"STS.input.{name}.txt"), input, new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(dir, $"STS.gs.{name}.txt"), gold, new UTF8Encoding(false));
        }
        return dir;
    }

    [TestMethod]
    public void DropsPairsWithAnEmptyGoldLineAndKeepsTheOthersAligned()
    {
        string dir = Year(
            ("headlines", "a1\tb1\na2\tb2\na3\tb3\na4\tb4\n", "4.2\n\n1\n\n"),
            ("answer-answer", "x1\ty1\r\nx2\ty2\r\n", "0.5\r\n5\r\n"));
        var subsets = SentEvalStsReader.Read(dir);
        CollectionAssert.AreEqual(new[] { "answer-answer", "headlines" }, subsets.Select(s => s.Name).ToArray(), "ordered by name");
        var headlines = subsets[1].Pairs;
        Assert.AreEqual(2, headlines.Count, "lines 2 and 4 have no gold score");
        Assert.AreEqual(new SentencePair("a1", "b1", 4.2), headlines[0]);
        Assert.AreEqual(new SentencePair("a3", "b3", 1.0), headlines[1], "the pair after a dropped one keeps its own score");
        Assert.AreEqual(new SentencePair("x2", "y2", 5.0), subsets[0].Pairs[1], "CRLF endings leave no '\\r' behind");
    }

    [TestMethod]
    public void AnInputLineWithOneSentenceNamesFileAndLine()
    {
        string dir = Year(("OnWN", "a\tb\nonly one sentence\n", "1\n2\n"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentEvalStsReader.Read(dir));
        StringAssert.Contains(e.Message, "STS.input.OnWN.txt:2");
    }

    [TestMethod]
    public void ANonNumericGoldScoreNamesFileAndLine()
    {
        string dir = Year(("FNWN", "a\tb\nc\td\n", "1\nhigh\n"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SentEvalStsReader.Read(dir)).Message, "STS.gs.FNWN.txt:2");
    }

    [TestMethod]
    public void FilesOfDifferentLengthAndMissingGoldAreErrors()
    {
        string dir = Year(("MSRpar", "a\tb\nc\td\n", "1\n"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SentEvalStsReader.Read(dir)).Message, "has 2 lines but");
        File.Delete(Path.Combine(dir, "STS.gs.MSRpar.txt"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SentEvalStsReader.Read(dir)).Message, "STS.gs.MSRpar.txt is missing");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => SentEvalStsReader.Read(Fixtures.NewTempDir())).Message, "no STS.input.NAME.txt");
    }
}
