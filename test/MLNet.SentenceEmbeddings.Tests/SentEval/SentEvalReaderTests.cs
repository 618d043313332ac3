using System.Text;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.Tests.SentEval;

/// <summary>Each SentEval reader on a fixture written here, with the quirks of the real files (../shared/data/SOURCES.md).</summary>
[TestClass]
public class SentEvalReaderTests
{
    private static string Folder() => Fixtures.NewTempDir();

    private static void WriteBytes(string folder, string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(folder, name), bytes);

    private static void WriteText(string folder, string name, string text, bool bom = false) =>
        File.WriteAllText(Path.Combine(folder, name), text, new UTF8Encoding(bom));

    [TestMethod]
    public void CrKeepsEmptyLinesAsSentEvalDoes()
    {
        string dir = Folder();
        WriteText(dir, "custrev.pos", "great  phone\n\nworks\twell \n");
        WriteText(dir, "custrev.neg", "\nbroken screen\n");
        var task = CrTask.Read(dir);
        Assert.AreEqual(5, task.Train.Count, "3 positive + 2 negative lines, the empty ones included");
        CollectionAssert.AreEqual(new[] { "great phone", "", "works well", "", "broken screen" }, task.Train.Select(e => e.Sentence).ToArray(),
            "tokens are re-joined by one space, as ' '.join(line.split()) gives");
        CollectionAssert.AreEqual(new[] { 1, 1, 1, 0, 0 }, task.Train.Select(e => e.Label).ToArray());
        Assert.AreEqual(SentEvalProtocol.CrossValidation, task.Protocol);
    }

    [TestMethod]
    public void BinaryFilesAreReadAsLatin1WithPythonLineBreaks()
    {
        string dir = Folder();
        // 0xE9 is 'é' in Latin-1 (invalid UTF-8 on its own); \r\n and \r both end lines; no extra line after the last break.
        WriteBytes(dir, "mpqa.pos", new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\r', (byte)'\n', (byte)'o', (byte)'k', (byte)'\r' });
        WriteBytes(dir, "mpqa.neg", Encoding.ASCII.GetBytes("bad\n\n"));
        var task = MpqaTask.Read(dir);
        CollectionAssert.AreEqual(new[] { "café", "ok", "bad", "" }, task.Train.Select(e => e.Sentence).ToArray());
    }

    [TestMethod]
    public void SubjLabelsObjectiveAsClassOne()
    {
        string dir = Folder();
        WriteText(dir, "subj.objective", "the film opens in 1950 .\n");
        WriteText(dir, "subj.subjective", "a gorgeous mess .\n");
        var task = SubjTask.Read(dir);
        Assert.AreEqual(1, task.Train[0].Label);
        Assert.AreEqual(0, task.Train[1].Label);
        Assert.AreEqual("objective", task.ClassNames[1]);
    }

    [TestMethod]
    public void TrecReadsLatin1AndKeepsTheCoarseClass()
    {
        string dir = Folder();
        var train = new List<byte>();
        train.AddRange(Encoding.ASCII.GetBytes("NUM:date When was the sister"));
        train.Add(0xF0); // the byte of train_5500.label line 66
        train.AddRange(Encoding.ASCII.GetBytes("city founded ?\nHUM:ind Who   wrote it ?\n"));
        WriteBytes(dir, "train_5500.label", train.ToArray());
        WriteText(dir, "TREC_10.label", "ABBR:exp What does NASA stand for ?\nLOC:other Where is it ?\n");
        var task = TrecTask.Read(dir);
        Assert.AreEqual("When was the sisterðcity founded ?", task.Train[0].Sentence);
        Assert.AreEqual(TrecTask.Classes.ToList().IndexOf("NUM"), task.Train[0].Label);
        Assert.AreEqual("Who wrote it ?", task.Train[1].Sentence, "fine label dropped, whitespace collapsed");
        CollectionAssert.AreEqual(new[] { 0, 4 }, task.Test.Select(e => e.Label).ToArray());
        Assert.AreEqual(6, task.ClassNames.Count);
    }

    [TestMethod]
    public void TrecMalformedLinesNameFileAndLine()
    {
        string dir = Folder();
        WriteText(dir, "bad.label", "NUM:date When ?\nno colon here\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TrecTask.ReadFile(Path.Combine(dir, "bad.label"))).Message, "bad.label:2");
        WriteText(dir, "bad2.label", "XYZ:foo What ?\n");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TrecTask.ReadFile(Path.Combine(dir, "bad2.label")));
        StringAssert.Contains(e.Message, "bad2.label:1");
        StringAssert.Contains(e.Message, "XYZ");
    }

    [TestMethod]
    public void Sst2ReadsTabSeparatedSplitsAndRejectsBadLabels()
    {
        string dir = Folder();
        WriteText(dir, "sentiment-train", "a  fine film\t1\nawful\t0\n");
        WriteText(dir, "sentiment-dev", "ok\t1\n");
        WriteText(dir, "sentiment-test", "meh\t0\n");
        var task = Sst2Task.Read(dir);
        Assert.AreEqual((2, 1, 1), (task.Train.Count, task.Dev.Count, task.Test.Count));
        Assert.AreEqual("a fine film", task.Train[0].Sentence);
        Assert.AreEqual(SentEvalProtocol.TrainDevTest, task.Protocol);
        WriteText(dir, "bad", "fine\t1\nno tab here\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Sst2Task.ReadFile(Path.Combine(dir, "bad"))).Message, "bad:2");
        WriteText(dir, "bad3", "fine\t3\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => Sst2Task.ReadFile(Path.Combine(dir, "bad3"))).Message, "bad3:1");
    }

    [TestMethod]
    public void MrpcSkipsBomAndHeaderAndReadsPairs()
    {
        string dir = Folder();
        const string header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n";
        WriteText(dir, "msr_paraphrase_train.txt", header + "1\t1\t2\tHe said  so .\tHe said it .\n0\t3\t4\tA\tB\n", bom: true);
        WriteText(dir, "msr_paraphrase_test.txt", header + "1\t5\t6\tC\tD", bom: true);
        var task = MrpcTask.Read(dir);
        Assert.AreEqual(2, task.Train.Count);
        Assert.AreEqual(("He said so .", "He said it .", 1), (task.Train[0].Sentence, task.Train[0].Sentence2, task.Train[0].Label));
        Assert.IsTrue(task.IsPairTask);
        Assert.AreEqual(1, task.Test.Count, "the last line has no newline, as in the release");
        WriteText(dir, "bad.txt", header + "1\t1\t2\tonly four fields\n", bom: true);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => MrpcTask.ReadFile(Path.Combine(dir, "bad.txt"))).Message, "bad.txt:2");
    }

    [TestMethod]
    public void TaskNamesAreCanonicalised()
    {
        CollectionAssert.AreEqual(new[] { "MR", "SST2", "TREC" }, SentEvalTasks.ParseList("mr, SST ,trec,MR").ToArray());
        Assert.ThrowsExactly<ArgumentException>(() => SentEvalTasks.Canonical("SICK"));
    }

    [TestMethod]
    public void SharedDataHasSentEvalsRowCounts()
    {
        // The counts SentEval itself gets from these files (SOURCES.md): empty CR/MPQA lines kept, SST-2 phrase-level train.
        string data = Fixtures.DataDir;
        var expected = new Dictionary<string, (int Train, int Dev, int Test)>
        {
            ["MR"] = (10662, 0, 0), ["CR"] = (3775, 0, 0), ["SUBJ"] = (10000, 0, 0), ["MPQA"] = (10606, 0, 0),
            ["SST2"] = (67349, 872, 1821), ["TREC"] = (5452, 0, 500), ["MRPC"] = (4076, 0, 1725),
        };
        foreach (var (name, counts) in expected)
        {
            var task = SentEvalTasks.Read(name, data);
            Assert.AreEqual(counts, (task.Train.Count, task.Dev.Count, task.Test.Count), name);
        }
        Assert.AreEqual(2, SentEvalTasks.Read("CR", data).Train.Count(e => e.Label == 1 && e.Sentence.Length == 0), "CR positive holds 2 empty lines");
    }
}
