using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

[TestClass]
public class SentenceTokenizerTests
{
    private static SentenceTokenizer Make(int max = 16) => SentenceTokenizer.FromVocab(Fixtures.Vocab, max, doLowerCase: true);

    [TestMethod]
    public void AddsClsAndSepAndLowerCasesAndStripsAccents()
    {
        var t = Make();
        var input = t.Encode("Café");
        Assert.AreEqual(t.Subwords.TokenToId("[CLS]"), input.InputIds[0]);
        Assert.AreEqual(t.Subwords.TokenToId("[SEP]"), input.InputIds[^1]);
        CollectionAssert.AreEqual(t.EncodeWords("cafe").ToArray(), input.InputIds[1..^1]);
        Assert.IsFalse(input.Truncated);
    }

    [TestMethod]
    public void PairsGetSegmentIdsAndTruncateLongestFirst()
    {
        var t = Make(max: 10);
        string a = "one two three four five six", b = "seven eight";
        var pair = t.EncodePair(a, b);
        Assert.AreEqual(10, pair.Length);
        Assert.IsTrue(pair.Truncated);
        // [CLS] a(5) [SEP] b(2) [SEP]: a lost one token, b none.
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, pair.TokenTypeIds);
        Assert.AreEqual(1, t.TruncatedCount);
        var small = t.EncodePair("hi", "there");
        Assert.IsFalse(small.Truncated);
        Assert.AreEqual(5, small.Length);
    }

    [TestMethod]
    public void LoneSurrogatesBecomeReplacementCharacters()
    {
        Assert.AreEqual("a\uFFFDb", WordPieceTokenizer.ReplaceLoneSurrogates("a\ud800b"));
        Assert.AreEqual("😀", WordPieceTokenizer.ReplaceLoneSurrogates("😀"));
        Assert.AreEqual("\uFFFD", WordPieceTokenizer.ReplaceLoneSurrogates("\udc00"));
    }

    [TestMethod]
    public void VocabularyWithoutSpecialTokensIsRejected()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SentenceTokenizer.FromVocab("a\nb\n", 8, true, "my-vocab.txt"));
        StringAssert.Contains(e.Message, "my-vocab.txt");
    }

    [TestMethod]
    public void SortedBatchesCoverEveryIndexOnceLongestFirst()
    {
        var t = Make(64);
        var inputs = new[] { "a", "a b c d e", "a b", "a b c", "a b c d e f g" }.Select(s => t.Encode(s)).ToList();
        var batches = LengthSortedBatches.Create(inputs, 2).ToList();
        CollectionAssert.AreEqual(new[] { 4, 1 }, batches[0]);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 5).ToArray(), batches.SelectMany(b => b).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1 }, LengthSortedBatches.Create(inputs, 2, sorted: false).First());
    }

    [TestMethod]
    [DataRow(5, 5, 7, 3, 4)]   // both cut to half, the odd token to the second (n1 <= n2 keeps the order)
    [DataRow(6, 4, 7, 4, 3)]   // the longer (first) gets the odd token
    [DataRow(2, 10, 8, 2, 6)]  // the shorter keeps its length
    [DataRow(9, 1, 4, 3, 1)]
    public void PairsTruncateByHuggingFacesLongestFirstRule(int na, int nb, int budget, int wantA, int wantB)
    {
        Assert.AreEqual((wantA, wantB), SentenceTokenizer.LongestFirst(na, nb, budget));
    }
}
