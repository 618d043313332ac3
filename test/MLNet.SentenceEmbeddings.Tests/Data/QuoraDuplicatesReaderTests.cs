using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Tests.Data;

[TestClass]
public class QuoraDuplicatesReaderTests
{
    [TestMethod]
    public void BuildsCorpusQueriesAndRelevantRowsFromDuplicatePairs()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "dev.txt");
        File.WriteAllText(path, "How to cook ?\tHow do I cook ?\t1\nIs it red ?\tWhat is blue ?\t0\nHow to cook ?\tCooking tips ?\t1\nWhat is blue ?\tBlue meaning ?\t1\r\n");
        var rows = QuoraDuplicatesReader.Read(path);
        Assert.AreEqual(4, rows.Count);
        Assert.AreEqual("Blue meaning ?", rows[3].Question2, "no trailing \\r");
        var task = QuoraDuplicatesReader.RetrievalTask(rows);
        CollectionAssert.AreEqual(new[] { "How to cook ?", "How do I cook ?", "Is it red ?", "What is blue ?", "Cooking tips ?", "Blue meaning ?" }, task.Corpus);
        CollectionAssert.AreEqual(new[] { 0, 3 }, task.Queries, "q1 of duplicate pairs, once each");
        CollectionAssert.AreEqual(new[] { 1, 4 }, task.Relevant[0]);
        CollectionAssert.AreEqual(new[] { 5 }, task.Relevant[1]);
        Assert.AreEqual(1, QuoraDuplicatesReader.RetrievalTask(rows, maxPairs: 1).Queries.Count);
    }

    [TestMethod]
    public void ErrorsNameTheFileAndLine()
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "bad.txt");
        File.WriteAllText(path, "a\tb\t1\na\tb\tyes\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => QuoraDuplicatesReader.Read(path)).Message, "bad.txt:2: is_duplicate 'yes'");
    }

    [TestMethod]
    public void TheSharedQuoraDevFileReads()
    {
        var task = QuoraDuplicatesReader.RetrievalTask(QuoraDuplicatesReader.Read(Path.Combine(Fixtures.DataDir, "quora", "dev.txt")));
        Assert.IsTrue(task.Queries.Count > 1000 && task.Corpus.Count > 10_000, $"{task.Queries.Count} queries, {task.Corpus.Count} questions");
        Assert.IsTrue(task.Queries.Select((q, i) => !task.Relevant[i].Contains(q)).All(x => x), "a query is never its own duplicate");
    }
}
