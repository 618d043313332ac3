using System.Text.Json;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

/// <summary>
/// The SentencePiece charsmap reader, on the small charsmap inside Fixtures/unigram-tiny.tokenizer.json (built by
/// tools/tokenizer-parity/charsmap.js from the rules listed in its tinyMap(); the Hugging Face library loaded it and
/// gave the fixture's ids).
/// </summary>
[TestClass]
public class PrecompiledCharsMapTests
{
    private static byte[] TinyBlob()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", "unigram-tiny.tokenizer.json")));
        var precompiled = doc.RootElement.GetProperty("normalizer").GetProperty("normalizers")[0];
        Assert.AreEqual("Precompiled", precompiled.GetProperty("type").GetString());
        return Convert.FromBase64String(precompiled.GetProperty("precompiled_charsmap").GetString()!);
    }

    [TestMethod]
    public void RulesReplaceCharactersAndSequences()
    {
        var map = PrecompiledCharsMap.Parse(TinyBlob(), "tiny");
        Assert.AreEqual("Ab1 fine 12", map.Normalize("Ａｂ１ ﬁne ①²"));
        Assert.AreEqual("xy z", map.Normalize("x\u200by\u0007\tz")); // removals and a tab to a space
        Assert.AreEqual("café", map.Normalize("cafe\u0301")); // a two-code-point key
        Assert.AreEqual("unchanged ü", map.Normalize("unchanged ü"));
    }

    [TestMethod]
    public void ShortGraphemesTakeTheShortestMatchingPrefixWhole()
    {
        // "Ａ" + combining acute is one grapheme of 5 UTF-8 bytes; its prefix "Ａ" is a key, so the whole grapheme becomes "A".
        Assert.AreEqual("A", PrecompiledCharsMap.Parse(TinyBlob(), "tiny").Normalize("Ａ\u0301"));
    }

    [TestMethod]
    public void MalformedBlobsAreRejectedBeforeAllocation()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => PrecompiledCharsMap.Parse(new byte[] { 0xff, 0xff, 0xff, 0x7f, 1, 2 }, "bad.json"));
        StringAssert.Contains(e.Message, "bad.json");
        Assert.ThrowsExactly<InvalidDataException>(() => PrecompiledCharsMap.Parse(new byte[] { 1, 0 }, "bad.json"));
        // A trie of one unit followed by invalid UTF-8 replacement strings.
        Assert.ThrowsExactly<InvalidDataException>(() => PrecompiledCharsMap.Parse(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe }, "bad.json"));
    }
}
