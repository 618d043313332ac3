using System.Text.Json;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

/// <summary>The normalizer step, each type on cases worked out by hand from the reference's definitions.</summary>
[TestClass]
public class TextNormalizerTests
{
    private static TextNormalizer Read(string json) => TextNormalizer.FromJson(JsonDocument.Parse(json).RootElement, "test.json")!;

    [TestMethod]
    public void BertCleansSpacesChineseStripsAccentsAndLowerCases()
    {
        var n = Read("""{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}""");
        // \t -> space, \u0000 and \u200b (format) dropped, CJK padded, é -> e, Ä -> a.
        Assert.AreEqual("hello world x  中  文  cafe a", n.Normalize("Hello\tWorld\u0000 x\u200b 中文 Café Ä"));
        var cased = Read("""{"type": "BertNormalizer", "clean_text": false, "handle_chinese_chars": false, "strip_accents": false, "lowercase": false}""");
        Assert.AreEqual("Café 中文\t", cased.Normalize("Café 中文\t"));
    }

    [TestMethod]
    public void LowercaseUsesFullMappingsPerCharacter()
    {
        var n = Read("""{"type": "Lowercase"}""");
        Assert.AreEqual("i\u0307stanbul σασ σ", n.Normalize("İSTANBUL ΣΑΣ Σ")); // no final-sigma rule: character by character
        Assert.AreEqual("𐐨", n.Normalize("𐐀")); // an astral capital (Deseret)
    }

    [TestMethod]
    public void UnicodeFormsStripAccentsAndSequences()
    {
        Assert.AreEqual("fi 1", Read("""{"type": "NFKC"}""").Normalize("ﬁ ①"));
        Assert.AreEqual("e\u0301", Read("""{"type": "NFD"}""").Normalize("é"));
        Assert.AreEqual("é", Read("""{"type": "NFC"}""").Normalize("e\u0301"));
        var strip = Read("""{"type": "Sequence", "normalizers": [{"type": "NFKD"}, {"type": "StripAccents"}]}""");
        Assert.AreEqual("Cafe naive", strip.Normalize("Café naïve"));
    }

    [TestMethod]
    public void StripReplacePrependAndNmt()
    {
        Assert.AreEqual("a b", Read("""{"type": "Strip", "strip_left": true, "strip_right": true}""").Normalize(" \u3000a b\t "));
        Assert.AreEqual("a b\t ", Read("""{"type": "Strip", "strip_left": true, "strip_right": false}""").Normalize("  a b\t "));
        Assert.AreEqual("a▁b▁▁c", Read("""{"type": "Replace", "pattern": {"String": " "}, "content": "▁"}""").Normalize("a b  c"));
        Assert.AreEqual("a b c", Read("""{"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}""").Normalize("a    b  c"));
        Assert.AreEqual("▁hi", Read("""{"type": "Prepend", "prepend": "▁"}""").Normalize("hi"));
        Assert.AreEqual("", Read("""{"type": "Prepend", "prepend": "▁"}""").Normalize(""));
        Assert.AreEqual("a b c d", Read("""{"type": "Nmt"}""").Normalize("a\u0001\tb\u200bc\u2581d"));
    }

    [TestMethod]
    public void ByteLevelMapsUtf8Bytes()
    {
        // Space is byte 0x20 -> 'Ġ' (U+0120); é is C3 A9 -> 'Ã' '©'.
        Assert.AreEqual("aĠÃ©", Read("""{"type": "ByteLevel"}""").Normalize("a é"));
    }

    [TestMethod]
    public void UnknownTypesAndMissingFieldsNameTheFile()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => Read("""{"type": "Fancy"}"""));
        StringAssert.Contains(e.Message, "test.json");
        StringAssert.Contains(e.Message, "Fancy");
        var missing = Assert.ThrowsExactly<InvalidDataException>(() => Read("""{"type": "Replace", "pattern": {"String": "a"}}"""));
        StringAssert.Contains(missing.Message, "content");
    }
}
