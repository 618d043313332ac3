using System.Text.Json;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

/// <summary>The pre-tokenizer step on hand-worked cases (the split behaviours are the reference's documented example).</summary>
[TestClass]
public class WordSplitterTests
{
    private static string[] Split(string json, string text, bool atStart = true) =>
        WordSplitter.FromJson(JsonDocument.Parse(json).RootElement, "test.json")!
            .Split(new List<TextPiece> { new(text, atStart) }).Select(p => p.Text).ToArray();

    [TestMethod]
    [DataRow("Removed", new[] { "the", "final", "countdown" })]
    [DataRow("Isolated", new[] { "the", "-", "final", "-", "-", "countdown" })]
    [DataRow("MergedWithPrevious", new[] { "the-", "final-", "-", "countdown" })]
    [DataRow("MergedWithNext", new[] { "the", "-final", "-", "-countdown" })]
    [DataRow("Contiguous", new[] { "the", "-", "final", "--", "countdown" })]
    public void SplitBehaviours(string behavior, string[] expected)
    {
        CollectionAssert.AreEqual(expected, Split($$"""{"type": "Split", "pattern": {"String": "-"}, "behavior": "{{behavior}}", "invert": false}""", "the-final--countdown"));
        CollectionAssert.AreEqual(expected, Split($$"""{"type": "Split", "pattern": {"Regex": "-"}, "behavior": "{{behavior}}", "invert": false}""", "the-final--countdown"));
    }

    [TestMethod]
    public void BertSplitsWhitespaceAndEveryPunctuationCharacter()
    {
        CollectionAssert.AreEqual(new[] { "Hey", "$", "5", ",", "it", "'", "s", "+", "=", "ok", "!", "!" },
            Split("""{"type": "BertPreTokenizer"}""", "Hey $5, it's += ok!!"));
    }

    [TestMethod]
    public void WhitespaceKeepsWordRunsAndSymbolRuns()
    {
        CollectionAssert.AreEqual(new[] { "Hey", "$", "5", ",", "it", "'", "s", "+=", "ok", "!!", "ne\u0301" },
            Split("""{"type": "Whitespace"}""", "Hey $5, it's += ok!! ne\u0301"));
        CollectionAssert.AreEqual(new[] { "a,b", "c" }, Split("""{"type": "WhitespaceSplit"}""", " a,b\u3000c "));
    }

    [TestMethod]
    public void DigitsAndPunctuation()
    {
        CollectionAssert.AreEqual(new[] { "a", "1", "2", "b", "3" }, Split("""{"type": "Digits", "individual_digits": true}""", "a12b3"));
        CollectionAssert.AreEqual(new[] { "a", "12", "b", "3" }, Split("""{"type": "Digits", "individual_digits": false}""", "a12b3"));
        CollectionAssert.AreEqual(new[] { "a", "?!", "b" }, Split("""{"type": "Punctuation", "behavior": "Contiguous"}""", "a?!b"));
    }

    [TestMethod]
    public void MetaspacePrependsBySchemeAndSplitsBeforeMarkers()
    {
        CollectionAssert.AreEqual(new[] { "▁Hey", "▁you" }, Split("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""", "Hey you"));
        CollectionAssert.AreEqual(new[] { "▁Hey▁you" }, Split("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": false}""", "Hey you"));
        CollectionAssert.AreEqual(new[] { "Hey", "▁you" }, Split("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never", "split": true}""", "Hey you"));
        string first = """{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": true}""";
        CollectionAssert.AreEqual(new[] { "▁Hey" }, Split(first, "Hey", atStart: true));
        CollectionAssert.AreEqual(new[] { "Hey" }, Split(first, "Hey", atStart: false));
    }

    [TestMethod]
    public void ByteLevelSplitsLikeGpt2AndMapsBytes()
    {
        string json = """{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}""";
        CollectionAssert.AreEqual(new[] { "Hello", "Ġworld", "'s", "Ġ123", "!!", "ĠĠ", "Ġx" }, Split(json, "Hello world's 123!!   x"));
        // An astral letter is one letter, as in the reference: "a𝐀b" stays one piece (4 + 4-byte UTF-8 characters mapped).
        Assert.HasCount(1, Split(json, "a𝐀b"));
        CollectionAssert.AreEqual(new[] { "Ġhi" }, Split("""{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}""", "hi"));
    }
}
