using System.Text;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Data.SentEval;

namespace MLNet.SentenceEmbeddings.Tests.Data;

/// <summary>
/// Every data format against empty files, out-of-range scores and unknown labels: each must fail with an
/// InvalidDataException naming the file (and the line), never return nothing or an unnamed error such as
/// "Sequence contains no elements" from a later Max().
/// </summary>
[TestClass]
public class MalformedDataFileTests
{
    /// <summary>Writes the files of one case into a fresh folder; returns the folder.</summary>
    private static string Files(params (string Name, string Text)[] files)
    {
        string dir = Fixtures.NewTempDir();
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(dir, name), text, new UTF8Encoding(false));
        return dir;
    }

    private static void Fails(Action read, string fileAndLine, string expected)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(read);
        StringAssert.Contains(e.Message, fileAndLine);
        StringAssert.Contains(e.Message, expected);
    }

    private const string SickHeader = "pair_ID\tsentence_A\tsentence_B\trelatedness_score\tentailment_judgment\n";
    private const string MrpcHeader = "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n";

    [TestMethod]
    [DataRow("")]
    [DataRow("\n\n")]
    [DataRow("\uFEFF")]
    public void EmptyFilesFailNamingTheFileInEveryFormat(string empty)
    {
        string afterHeader = empty.Replace("\uFEFF", ""); // a byte-order mark only counts at the start of a file
        string dir = Files(("sts-train.csv", empty), ("SICK_train.txt", SickHeader + afterHeader), ("msr_paraphrase_train.txt", MrpcHeader + afterHeader),
            ("quora.txt", empty), ("train.tsv", empty), ("s1.train", empty), ("s2.train", empty), ("labels.train", empty),
            ("rt-polarity.pos", empty), ("rt-polarity.neg", "a sentence\n"), ("sentiment-train", empty), ("train_5500.label", empty));
        string P(string f) => Path.Combine(dir, f);
        Fails(() => StsBenchmarkReader.Read(P("sts-train.csv")), P("sts-train.csv"), "no data rows");
        Fails(() => SickReader.Read(P("SICK_train.txt")), P("SICK_train.txt"), "no data rows");
        Fails(() => MrpcReader.Read(P("msr_paraphrase_train.txt")), P("msr_paraphrase_train.txt"), "no data rows");
        Fails(() => QuoraDuplicatesReader.Read(P("quora.txt")), P("quora.txt"), "no data rows");
        Fails(() => TsvReader.Read(P("train.tsv"), 2), P("train.tsv"), "no data rows");
        Fails(() => TsvReader.ReadScored(P("train.tsv")), P("train.tsv"), "no data rows");
        Fails(() => TsvReader.ReadLabeled(P("train.tsv")), P("train.tsv"), "no data rows");
        if (empty.Contains('\n')) Fails(() => SnliReader.Read(P("s1.train")), P("labels.train") + ":1", "label ''"); // lines, but no labels
        else Fails(() => SnliReader.Read(P("s1.train")), P("s1.train"), "no data rows");
        if (empty.Length == 0) Fails(() => MrTask.Read(dir), P("rt-polarity.pos"), "no data rows"); // Latin-1: a BOM is text there
        if (!empty.Contains('\n'))
        {
            Fails(() => Sst2Task.ReadFile(P("sentiment-train")), P("sentiment-train"), "no data rows");
            Fails(() => TrecTask.ReadFile(P("train_5500.label")), P("train_5500.label"), "no data rows");
        }
        else
        {
            // SentEval's MR/CR/SUBJ/MPQA keep empty lines as (empty) sentences, as SentEval does; SST2 and TREC name the line.
            Fails(() => Sst2Task.ReadFile(P("sentiment-train")), P("sentiment-train") + ":1", "");
            Fails(() => TrecTask.ReadFile(P("train_5500.label")), P("train_5500.label") + ":1", "");
        }
    }

    [TestMethod]
    public void ScoresOutsideTheirScaleFailNamingFileAndLine()
    {
        string dir = Files(
            ("sts-dev.csv", "main-captions\tMSRvid\t2012test\t0001\t5.000\ta\tb\nmain-captions\tMSRvid\t2012test\t0002\t5.2\ta\tb\n"),
            ("SICK_trial.txt", SickHeader + "1\ta\tb\t0.5\tNEUTRAL\n"),
            ("stsb_0_5.tsv", "a\tb\t0.6\nc\td\t3.8\n"),
            ("STS.input.x.txt", "a\tb\nc\td\n"), ("STS.gs.x.txt", "4.2\n6\n"));
        string P(string f) => Path.Combine(dir, f);
        Fails(() => StsBenchmarkReader.Read(P("sts-dev.csv")), P("sts-dev.csv") + ":2", "5.2 is outside [0, 5]");
        Fails(() => SickReader.Read(P("SICK_trial.txt")), P("SICK_trial.txt") + ":2", "0.5 is outside [1, 5]");
        // A 0-5 STS file handed to the regression objective's [0, 1] reader: the message says what to do.
        Fails(() => TsvReader.ReadScored(P("stsb_0_5.tsv")), P("stsb_0_5.tsv") + ":2", "divide each score by 5");
        Assert.AreEqual(3.8, TsvReader.ReadScored(P("stsb_0_5.tsv"), 0, 5)[1].Score, "an explicit scale accepts it");
        Fails(() => SentEvalStsReader.Read(dir), P("STS.gs.x.txt") + ":2", "6 is outside [0, 5]");
        Fails(() => TsvReader.ReadScored(Files(("nan.tsv", "a\tb\tNaN\n")) + "/nan.tsv"), "nan.tsv:1", "not a number");
    }

    [TestMethod]
    public void UnknownLabelsFailNamingFileAndLine()
    {
        string dir = Files(
            ("SICK_test.txt", SickHeader + "1\ta\tb\t3\tNEUTRAL\n2\ta\tb\t3\tMAYBE\n"),
            ("s1.dev", "p\nq\n"), ("s2.dev", "h\ni\n"), ("labels.dev", "entailment\n-\n"),
            ("msr_paraphrase_test.txt", MrpcHeader + "1\t1\t2\ta\tb\n2\t1\t2\ta\tb\n"),
            ("quora.txt", "a\tb\t1\nc\td\tyes\n"),
            ("softmax.tsv", "a\tb\t0\nc\td\t1.5\n"), ("negative.tsv", "a\tb\t-1\n"),
            ("sentiment-dev", "good\t1\nbad\t2\n"), ("TREC_10.label", "HUM:ind Who ?\nWHAT:x What ?\n"));
        string P(string f) => Path.Combine(dir, f);
        Fails(() => SickReader.Read(P("SICK_test.txt")), P("SICK_test.txt") + ":3", "entailment_judgment 'MAYBE'");
        Fails(() => SnliReader.Read(P("s1.dev")), P("labels.dev") + ":2", "label '-'");
        Fails(() => MrpcReader.Read(P("msr_paraphrase_test.txt")), P("msr_paraphrase_test.txt") + ":3", "Quality '2'");
        Fails(() => QuoraDuplicatesReader.Read(P("quora.txt")), P("quora.txt") + ":2", "is_duplicate 'yes'");
        Fails(() => TsvReader.ReadLabeled(P("softmax.tsv")), P("softmax.tsv") + ":2", "label '1.5' is not a class index");
        Fails(() => TsvReader.ReadLabeled(P("negative.tsv")), P("negative.tsv") + ":1", "label '-1'");
        Fails(() => Sst2Task.ReadFile(P("sentiment-dev")), P("sentiment-dev") + ":2", "label '2'");
        Fails(() => TrecTask.ReadFile(P("TREC_10.label")), P("TREC_10.label") + ":2", "coarse label 'WHAT'");
    }

    [TestMethod]
    public void ClassIndicesGiveTheNumberOfClasses()
    {
        string path = Path.Combine(Files(("softmax.tsv", "a\tb\t0\nc\td\t2\ne\tf\t1\n")), "softmax.tsv");
        var (pairs, numLabels) = TsvReader.ReadLabeled(path);
        Assert.AreEqual(3, numLabels);
        CollectionAssert.AreEqual(new double[] { 0, 2, 1 }, pairs.Select(p => p.Score).ToArray());
    }

    [TestMethod]
    public void TheSharedDataFilesPassEveryCheck()
    {
        // The range and label checks must not reject the real data (../shared/data).
        string data = Fixtures.DataDir;
        Assert.AreEqual(1379, StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv")).Count);
        Assert.AreEqual(4500, SickReader.Read(Path.Combine(data, "sick", "SICK_train.txt")).Count);
        Assert.AreEqual(9842, SnliReader.Read(Path.Combine(data, "senteval", "SNLI", "s1.dev")).Count);
        foreach (var year in Directory.GetDirectories(Path.Combine(data, "sts", "senteval")))
            Assert.IsTrue(SentEvalStsReader.Read(year).All(s => s.Pairs.Count > 0), year);
    }
}
