using System.Text.Json;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

/// <summary>The model step (BPE, Unigram, WordPiece, WordLevel) on tiny vocabularies worked out by hand.</summary>
[TestClass]
public class SubwordModelTests
{
    private static SubwordModel Read(string json) => SubwordModel.FromJson(JsonDocument.Parse(json).RootElement, "test.json");

    private static int[] Ids(SubwordModel m, string word)
    {
        var ids = new List<int>();
        m.Tokenize(word, ids);
        return ids.ToArray();
    }

    private const string Bpe = """
        {"type": "BPE", "unk_token": "<unk>", "fuse_unk": false, "byte_fallback": false,
         "vocab": {"<unk>": 0, "a": 1, "b": 2, "c": 3, "ab": 4, "bc": 5, "abc": 6, "cc": 7},
         "merges": [["b", "c"], "a b", ["a", "bc"], "c c"]}
        """;

    [TestMethod]
    public void BpeMergesByRankWithMergesInBothForms()
    {
        var m = Read(Bpe);
        CollectionAssert.AreEqual(new[] { 6 }, Ids(m, "abc")); // b+c (rank 0) then a+bc (rank 2)
        CollectionAssert.AreEqual(new[] { 4, 4 }, Ids(m, "abab"));
        CollectionAssert.AreEqual(new[] { 7, 3 }, Ids(m, "ccc")); // equal ranks: the leftmost pair first
        CollectionAssert.AreEqual(new[] { 1, 0, 0, 2 }, Ids(m, "axyb")); // unknowns not fused
    }

    [TestMethod]
    public void BpeFusesUnknownsFallsBackToBytesAndIgnoresMerges()
    {
        CollectionAssert.AreEqual(new[] { 1, 0, 2 }, Ids(Read(Bpe.Replace("\"fuse_unk\": false", "\"fuse_unk\": true")), "axyb"));
        string bytes = """
            {"type": "BPE", "unk_token": "<unk>", "byte_fallback": true,
             "vocab": {"<unk>": 0, "a": 1, "<0xC3>": 2, "<0xA9>": 3, "aa": 4}, "merges": ["a a"]}
            """;
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 0 }, Ids(Read(bytes), "aéz")); // é = C3 A9; z has no byte token
        string ignore = """{"type": "BPE", "ignore_merges": true, "vocab": {"a": 0, "b": 1, "ab": 2, "abab": 3}, "merges": ["a b"]}""";
        CollectionAssert.AreEqual(new[] { 3 }, Ids(Read(ignore), "abab"));
        CollectionAssert.AreEqual(new[] { 2, 0 }, Ids(Read(ignore), "aba"));
    }

    [TestMethod]
    public void BpeContinuingSubwordPrefix()
    {
        string json = """{"type": "BPE", "continuing_subword_prefix": "##", "vocab": {"a": 0, "##b": 1, "##c": 2, "ab": 3, "##bc": 4}, "merges": ["a ##b", "##b ##c"]}""";
        CollectionAssert.AreEqual(new[] { 3 }, Ids(Read(json), "ab"));
        CollectionAssert.AreEqual(new[] { 3, 2 }, Ids(Read(json), "abc")); // a ##b (rank 0) first; "ab ##c" is no merge
    }

    private const string Unigram = """
        {"type": "Unigram", "unk_id": 0, "byte_fallback": false,
         "vocab": [["<unk>", 0.0], ["a", -1.0], ["b", -2.0], ["ab", -2.5], ["abc", -10.0], ["c", -3.0]]}
        """;

    [TestMethod]
    public void UnigramFindsTheBestPathAndFusesUnknowns()
    {
        var m = Read(Unigram);
        CollectionAssert.AreEqual(new[] { 3 }, Ids(m, "ab")); // -2.5 beats a + b = -3
        CollectionAssert.AreEqual(new[] { 3, 5 }, Ids(m, "abc")); // ab + c = -5.5 beats abc = -10
        CollectionAssert.AreEqual(new[] { 1, 0, 2 }, Ids(m, "axyb")); // x, y unknown (min score -10, minus 10 each), fused into one <unk>
    }

    [TestMethod]
    public void UnigramByteFallback()
    {
        string json = """{"type": "Unigram", "unk_id": 0, "byte_fallback": true, "vocab": [["<unk>", 0.0], ["a", -1.0], ["<0xC3>", -5.0], ["<0xA9>", -5.0]]}""";
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, Ids(Read(json), "aé"));
        CollectionAssert.AreEqual(new[] { 1, 0 }, Ids(Read(json), "az"));
    }

    [TestMethod]
    public void WordPieceGreedyLongestMatchAndWholeWordUnknown()
    {
        const string json = """{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, "una": 4, "##ffable": 5}}""";
        var m = Read(json);
        CollectionAssert.AreEqual(new[] { 4, 5 }, Ids(m, "unaffable")); // "una" is the longest first piece
        CollectionAssert.AreEqual(new[] { 1 }, Ids(m, "un"));
        CollectionAssert.AreEqual(new[] { 0 }, Ids(m, "unx")); // any unmatched part makes the whole word unknown
        CollectionAssert.AreEqual(new[] { 0 }, Ids(Read(json.Replace("\"max_input_chars_per_word\": 100", "\"max_input_chars_per_word\": 8")), "unaffable"));
    }

    [TestMethod]
    public void WordLevelAndErrors()
    {
        var m = Read("""{"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0, "hello": 1}}""");
        CollectionAssert.AreEqual(new[] { 1 }, Ids(m, "hello"));
        CollectionAssert.AreEqual(new[] { 0 }, Ids(m, "bye"));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read("""{"type": "BPE", "vocab": {"a": -1}, "merges": []}"""));
        StringAssert.Contains(e.Message, "test.json");
        Assert.ThrowsExactly<InvalidDataException>(() => Read("""{"type": "Unigram", "unk_id": 9, "vocab": [["a", 0.0]]}"""));
        Assert.ThrowsExactly<InvalidDataException>(() => Read("""{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 5}}"""));
    }
}
