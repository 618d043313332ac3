using System.Text.Json;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Tests.Tokenization;

[TestClass]
public class PostProcessorTemplateTests
{
    private static readonly Dictionary<string, int> Vocab = new() { ["[CLS]"] = 101, ["[SEP]"] = 102, ["<s>"] = 0, ["</s>"] = 2 };

    private static SpecialTokenTemplate Read(string json) =>
        PostProcessorTemplate.FromJson(JsonDocument.Parse(json).RootElement, t => Vocab.TryGetValue(t, out int id) ? id : null, "test.json");

    [TestMethod]
    public void BertAndRobertaProcessing()
    {
        var bert = Read("""{"type": "BertProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101]}""");
        var pair = bert.Apply(new[] { 7, 8 }, new[] { 9 }, false);
        CollectionAssert.AreEqual(new[] { 101, 7, 8, 102, 9, 102 }, pair.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 1, 1 }, pair.TokenTypeIds);
        var roberta = Read("""{"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0], "trim_offsets": true, "add_prefix_space": true}""");
        var rp = roberta.Apply(new[] { 7 }, new[] { 9 }, false);
        CollectionAssert.AreEqual(new[] { 0, 7, 2, 2, 9, 2 }, rp.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 0 }, rp.TokenTypeIds);
    }

    [TestMethod]
    public void TemplateProcessingWithMultiIdSpecialTokensAndSequences()
    {
        var t = Read("""
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<q>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
               "special_tokens": {"<q>": {"id": "<q>", "ids": [5, 6], "tokens": ["<", "q>"]}}}]}
            """);
        CollectionAssert.AreEqual(new[] { 5, 6, 7 }, t.Apply(new[] { 7 }, null, false).InputIds);
        Assert.AreEqual(2, t.SingleOverhead);
        var pair = t.Apply(new[] { 7 }, new[] { 9 }, false);
        CollectionAssert.AreEqual(new[] { 7, 102, 9 }, pair.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 1 }, pair.TokenTypeIds);
    }

    [TestMethod]
    public void NoPostProcessorGivesTypesZeroThenOne()
    {
        var plain = PostProcessorTemplate.FromJson(JsonDocument.Parse("null").RootElement, _ => null, "test.json");
        CollectionAssert.AreEqual(new[] { 0, 1 }, plain.Apply(new[] { 7 }, new[] { 9 }, false).TokenTypeIds);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Read("""{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<none>", "type_id": 0}}], "pair": []}"""));
        StringAssert.Contains(e.Message, "<none>");
    }
}
