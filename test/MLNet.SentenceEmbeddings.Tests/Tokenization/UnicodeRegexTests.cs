using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

[TestClass]
public class UnicodeRegexTests
{
    [TestMethod]
    public void AstralCodePointsAreOneCharacterOfTheirCategory()
    {
        // .NET alone sees 𝐀 (U+1D400, a letter) as two surrogates; the reference sees one letter.
        CollectionAssert.AreEqual(new[] { (0, 4) }, new UnicodeRegex(@"\p{L}+", "t").Matches("a𝐀b"));
        // {1,3} counts code points: 𝟙𝟚𝟛𝟜 (four astral digits) is 3 + 1.
        CollectionAssert.AreEqual(new[] { (0, 6), (6, 8) }, new UnicodeRegex(@"\p{N}{1,3}", "t").Matches("𝟙𝟚𝟛𝟜"));
        CollectionAssert.AreEqual(new[] { (1, 3) }, new UnicodeRegex(@"[^\s\p{L}\p{N}]+", "t").Matches("a😀b"));
    }

    [TestMethod]
    public void InvalidPatternsNameTheFile()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new UnicodeRegex("(", "bad.json"));
        StringAssert.Contains(e.Message, "bad.json");
    }
}
