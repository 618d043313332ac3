using System.Text;
using System.Text.Json;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

/// <summary>
/// The tokenizer.json reader end to end. The fixtures in Fixtures/ were produced by
/// <c>tools/tokenizer-parity/run.sh --fixtures</c>: the Hugging Face tokenizers library (npm package "tokenizers" 0.23.2)
/// trained a byte-level BPE (RoBERTa layout) and a Unigram (XLM-R layout, with a small Precompiled charsmap) on 300 STSb
/// training sentences plus tools/tokenizer-parity/extra-inputs.json, saved them, and wrote the ids it gives for STSb test
/// sentences, the extra inputs and pairs (also truncated to 12 tokens) to the *.expected.json files.
/// </summary>
[TestClass]
public class TokenizerJsonTests
{
    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Tokenization", "Fixtures", name);

    [TestMethod]
    [DataRow("bpe-tiny")]
    [DataRow("unigram-tiny")]
    public void FixtureIdsEqualTheHuggingFaceLibrarys(string name)
    {
        using var expected = JsonDocument.Parse(File.ReadAllBytes(FixturePath(name + ".expected.json")));
        var root = expected.RootElement;
        int truncation = root.GetProperty("truncation").GetInt32();
        var full = TokenizerJson.Load(FixturePath(name + ".tokenizer.json"), 100_000);
        var cut = full.WithMaxSequenceLength(truncation);
        var singles = root.GetProperty("singles").EnumerateArray().Select(ReadText).ToList();
        var pairs = root.GetProperty("pairs").EnumerateArray().Select(p => (ReadText(p[0]), ReadText(p[1]))).ToList();
        Assert.IsGreaterThan(50, singles.Count);
        for (int i = 0; i < singles.Count; i++)
        {
            CollectionAssert.AreEqual(Ids(root.GetProperty("ids")[i]), full.Encode(singles[i]).InputIds, $"{name}: '{singles[i]}'");
            CollectionAssert.AreEqual(Ids(root.GetProperty("truncatedIds")[i]), cut.Encode(singles[i]).InputIds, $"{name} (max {truncation}): '{singles[i]}'");
        }
        for (int i = 0; i < pairs.Count; i++)
        {
            var (a, b) = pairs[i];
            CollectionAssert.AreEqual(Ids(root.GetProperty("pairIds")[i]), full.EncodePair(a, b).InputIds, $"{name}: '{a}' / '{b}'");
            CollectionAssert.AreEqual(Ids(root.GetProperty("truncatedPairIds")[i]), cut.EncodePair(a, b).InputIds, $"{name} (max {truncation}): '{a}' / '{b}'");
        }
    }

    [TestMethod]
    public void MiniLmTokenizerJsonGivesTheVocabTxtIdsOnStsb()
    {
        string vocab = Fixtures.Vocab;
        string path = Path.Combine(Fixtures.NewTempDir(), "tokenizer.json");
        File.WriteAllText(path, BertTokenizerJson(vocab));
        var fromJson = TokenizerJson.Load(path, 256);
        var fromVocab = SentenceTokenizer.FromVocab(vocab, 256, doLowerCase: true);
        Assert.AreEqual(fromVocab.PadTokenId, fromJson.PadTokenId);
        Assert.AreEqual(fromVocab.VocabSize, fromJson.VocabSize);
        var sentences = Fixtures.StsbSentences(1500);
        foreach (var s in sentences.Append("You paid $5 for <this> = that? [MASK] 😀"))
        {
            CollectionAssert.AreEqual(fromVocab.Encode(s).InputIds, fromJson.Encode(s).InputIds, s);
            CollectionAssert.AreEqual(fromVocab.Encode(s).TokenTypeIds, fromJson.Encode(s).TokenTypeIds, s);
        }
        var pair = fromJson.EncodePair(sentences[0], sentences[1]);
        CollectionAssert.AreEqual(fromVocab.EncodePair(sentences[0], sentences[1]).TokenTypeIds, pair.TokenTypeIds);
    }

    [TestMethod]
    public void SymbolsAreSplitLikeBertPunctuation()
    {
        var t = TokenizerJson.Load(new MemoryStream(Encoding.UTF8.GetBytes(BertTokenizerJson(Fixtures.Vocab))), 64);
        var w = t.Subwords;
        CollectionAssert.AreEqual(new[] { w.TokenToId("[CLS]")!.Value, w.TokenToId("$")!.Value, w.TokenToId("5")!.Value, w.TokenToId("[SEP]")!.Value },
            t.Encode("$5").InputIds);
    }

    [TestMethod]
    public void PadIdComesFromTheArgumentThenThePaddingSectionThenTheVocabulary()
    {
        string json = BertTokenizerJson(Fixtures.Vocab);
        var w = TokenizerJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))).Subwords;
        Assert.AreEqual(w.TokenToId("[PAD]"), TokenizerJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))).PadTokenId);
        Assert.AreEqual(w.TokenToId("[UNK]"), TokenizerJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), padToken: "[UNK]").PadTokenId);
        string withPadding = json.Replace("\"padding\": null", "\"padding\": {\"pad_id\": 7, \"pad_token\": \"x\"}");
        Assert.AreEqual(7, TokenizerJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(withPadding))).PadTokenId);
    }

    [TestMethod]
    public void BadFilesFailNamingTheFileAndThePart()
    {
        Assert.ThrowsExactly<FileNotFoundException>(() => TokenizerJson.Load("/no/such/tokenizer.json", 16));
        var notJson = Assert.ThrowsExactly<InvalidDataException>(() => TokenizerJson.Read(new MemoryStream("{oops"u8.ToArray()), "my.json"));
        StringAssert.Contains(notJson.Message, "my.json");
        string bert = BertTokenizerJson(Fixtures.Vocab);
        var unsupported = Assert.ThrowsExactly<NotSupportedException>(() => TokenizerJson.Read(
            new MemoryStream(Encoding.UTF8.GetBytes(bert.Replace("\"type\": \"BertPreTokenizer\"", "\"type\": \"UnicodeScripts\""))), "x.json"));
        StringAssert.Contains(unsupported.Message, "UnicodeScripts");
        StringAssert.Contains(unsupported.Message, "x.json");
        var badMerge = Assert.ThrowsExactly<InvalidDataException>(() => TokenizerJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(
            """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}""")), "bpe.json"));
        StringAssert.Contains(badMerge.Message, "merge 0");
    }

    private static string ReadText(JsonElement e) => e.TryGetProperty("text", out var t) ? t.GetString()!
        : new string(e.GetProperty("u16").EnumerateArray().Select(x => (char)x.GetInt32()).ToArray());

    private static int[] Ids(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    /// <summary>
    /// A tokenizer.json laid out as the Hugging Face library saves a BertWordPiece tokenizer (BertNormalizer,
    /// BertPreTokenizer, WordPiece, BertProcessing, the five special tokens), for a vocab.txt.
    /// </summary>
    internal static string BertTokenizerJson(string vocabText)
    {
        var tokens = vocabText.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        int Id(string t) => Array.IndexOf(tokens, t);
        var added = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Select(t =>
            $$"""{"id": {{Id(t)}}, "content": "{{t}}", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}""");
        var vocab = "{" + string.Join(", ", tokens.Select((t, i) => $"{JsonSerializer.Serialize(t)}: {i}")) + "}";
        return $$"""
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{{string.Join(", ", added)}}],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", {{Id("[SEP]")}}], "cls": ["[CLS]", {{Id("[CLS]")}}]},
             "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": {{vocab}} } }
            """;
    }
}
