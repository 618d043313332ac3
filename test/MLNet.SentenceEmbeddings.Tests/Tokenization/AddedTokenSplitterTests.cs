using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

[TestClass]
public class AddedTokenSplitterTests
{
    private static AddedToken Token(int id, string content, bool singleWord = false, bool lstrip = false, bool rstrip = false) =>
        new(id, content, Special: true, singleWord, lstrip, rstrip, Normalized: false);

    private static string[] Cut(AddedTokenSplitter s, string text) =>
        s.Split(text).Select(x => (x.Token is null ? "" : "#") + text[x.Start..x.End]).ToArray();

    [TestMethod]
    public void LeftmostThenLongestMatchWins()
    {
        var s = new AddedTokenSplitter(new[] { Token(1, "<s>"), Token(2, "<s>x"), Token(3, "s>x y") }.Select(t => (t.Content, t)));
        CollectionAssert.AreEqual(new[] { "a", "#<s>x", " y ", "#<s>" }, Cut(s, "a<s>x y <s>"));
    }

    [TestMethod]
    public void SingleWordTokensNeedNonWordNeighbours()
    {
        var s = new AddedTokenSplitter(new[] { Token(1, "cat", singleWord: true) }.Select(t => (t.Content, t)));
        CollectionAssert.AreEqual(new[] { "a ", "#cat", "!" }, Cut(s, "a cat!"));
        CollectionAssert.AreEqual(new[] { "concatenate" }, Cut(s, "concatenate"));
    }

    [TestMethod]
    public void StripFlagsSwallowNeighbouringWhitespace()
    {
        var s = new AddedTokenSplitter(new[] { Token(1, "<mask>", lstrip: true), Token(2, "<r>", rstrip: true) }.Select(t => (t.Content, t)));
        CollectionAssert.AreEqual(new[] { "hello", "#  <mask>", " world", "#<r>\t ", "end" }, Cut(s, "hello  <mask> world<r>\t end"));
    }
}
