using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Tests.Training;

[TestClass]
public class SilverPairsTests
{
    private static readonly string[] Sentences =
    {
        "A cat sits on the mat.", "A cat is sitting on a mat.",
        "Stock markets fell sharply today.", "Shares dropped steeply on the exchange today.",
        "The children are playing football in the park.", "Kids play soccer in a park.",
    };

    [TestMethod]
    public void NeighboursArePairedWithTheirNearestSentence()
    {
        var pairs = SilverPairs.Sample(Fixtures.MiniLm, Sentences, neighbours: 1, randomPerSentence: 0);
        var keys = pairs.Select(Key).ToHashSet();
        // Each sentence's nearest other is its paraphrase; each unordered pair appears once.
        CollectionAssert.AreEquivalent(new[] { Key((Sentences[0], Sentences[1])), Key((Sentences[2], Sentences[3])), Key((Sentences[4], Sentences[5])) }, keys.ToList());
        Assert.AreEqual(3, pairs.Count);
    }

    [TestMethod]
    public void PairsAreUniqueNeverSelfAndNeverExcluded()
    {
        var repeated = Sentences.Concat(Sentences).ToList(); // repeats are one sentence
        var exclude = new[] { (Sentences[1], Sentences[0]) };   // excluded in the other order
        var pairs = SilverPairs.Sample(Fixtures.MiniLm, repeated, neighbours: 2, randomPerSentence: 2, seed: 7, exclude: exclude);
        Assert.IsTrue(pairs.All(p => p.First != p.Second));
        Assert.AreEqual(pairs.Count, pairs.Select(Key).Distinct().Count(), "each unordered pair once");
        Assert.IsFalse(pairs.Select(Key).Contains(Key((Sentences[0], Sentences[1]))), "an excluded pair is never drawn");
        Assert.IsTrue(pairs.Count >= Sentences.Length, "at least one new pair per sentence");
        CollectionAssert.AreEqual(pairs, SilverPairs.Sample(Fixtures.MiniLm, repeated, 2, 2, seed: 7, exclude: exclude), "deterministic for a seed");
    }

    [TestMethod]
    public void RandomPairsNeedNoEncoding()
    {
        var pairs = SilverPairs.Sample(Fixtures.MiniLm, Sentences, neighbours: 0, randomPerSentence: 1, seed: 3);
        Assert.IsTrue(pairs.Count is > 0 and <= 6);
        Assert.IsTrue(pairs.All(p => Sentences.Contains(p.First) && Sentences.Contains(p.Second) && p.First != p.Second));
    }

    [TestMethod]
    public void LabelsComeFromTheTeacher()
    {
        var pairs = new List<(string, string)> { (Sentences[0], Sentences[1]), (Sentences[0], Sentences[2]) };
        var silver = SilverPairs.Label(pairs, p => SilverPairs.CosineScores(Fixtures.MiniLm, p));
        Assert.AreEqual(2, silver.Count);
        Assert.AreEqual(Sentences[2], silver[1].Texts[1]);
        var u = Fixtures.MiniLm.Encode(Sentences[0]);
        Assert.AreEqual(Fixtures.Cos(u, Fixtures.MiniLm.Encode(Sentences[1])), silver[0].Label, 1e-5);
        Assert.AreEqual(Fixtures.Cos(u, Fixtures.MiniLm.Encode(Sentences[2])), silver[1].Label, 1e-5);
        Assert.IsTrue(silver[0].Label > silver[1].Label + 0.3, "a paraphrase scores above an unrelated sentence");
    }

    [TestMethod]
    public void ATeacherThatMisbehavesIsNamed()
    {
        var pairs = new List<(string, string)> { ("a", "b"), ("c", "d") };
        var count = Assert.ThrowsExactly<InvalidOperationException>(() => SilverPairs.Label(pairs, _ => new[] { 0.5f }));
        StringAssert.Contains(count.Message, "1 scores for 2 pairs");
        var nan = Assert.ThrowsExactly<InvalidOperationException>(() => SilverPairs.Label(pairs, _ => new[] { 0.5f, float.NaN }));
        StringAssert.Contains(nan.Message, "pair 1 ('c', 'd')");
    }

    [TestMethod]
    public void BadArgumentsAreRefused()
    {
        var nullAt = Assert.ThrowsExactly<ArgumentException>(() => SilverPairs.Sample(Fixtures.MiniLm, new string[] { "a", null!, "b" }));
        StringAssert.Contains(nullAt.Message, "sentences[1]");
        var one = Assert.ThrowsExactly<ArgumentException>(() => SilverPairs.Sample(Fixtures.MiniLm, new[] { "a", "a" }));
        StringAssert.Contains(one.Message, "1 distinct");
        Assert.ThrowsExactly<ArgumentException>(() => SilverPairs.Sample(Fixtures.MiniLm, Sentences, neighbours: 0, randomPerSentence: 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SilverPairs.Sample(Fixtures.MiniLm, Sentences, neighbours: -1));
    }

    private static (string, string) Key((string First, string Second) p) =>
        string.CompareOrdinal(p.First, p.Second) <= 0 ? (p.First, p.Second) : (p.Second, p.First);
}
