using TorchSharp;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class EncodeBehaviourTests
{
    [TestMethod]
    public void EmbeddingsDoNotDependOnBatchSizeOrComposition()
    {
        var sentences = Fixtures.StsbSentences(120);
        var reference = Fixtures.MiniLm.Encode(sentences);
        foreach (int batch in new[] { 1, 7, 64 })
        {
            foreach (bool sorted in new[] { true, false })
            {
                using var e = SentenceEncoder.Load("default", new SentenceEncoderOptions { BatchSize = batch, SortByLength = sorted });
                var got = e.Encode(sentences);
                for (int i = 0; i < sentences.Count; i++)
                    Assert.IsTrue(Fixtures.Cos(reference[i], got[i]) >= 0.99999, $"batch {batch}, sorted {sorted}, sentence {i}");
            }
        }
        // A different mix of neighbours: each sentence batched with others in reverse order.
        var reversed = sentences.AsEnumerable().Reverse().ToList();
        var got2 = Fixtures.MiniLm.Encode(reversed);
        for (int i = 0; i < sentences.Count; i++)
            Assert.IsTrue(Fixtures.Cos(reference[i], got2[sentences.Count - 1 - i]) >= 0.99999);
    }

    [TestMethod]
    public void HostileInputsEmbedWithoutCrashing()
    {
        string longText = string.Concat(Enumerable.Repeat("word ", 20_000)); // 100k characters
        var inputs = new string?[]
        {
            null, "", "   \t  ", longText, "abc\ud800def", "\udc00", "bell\u0007 and nul\u0000 and esc\u001b",
            "I love pizza 🍕🔥👍🏽", "我喜欢机器学习。", "日本語のテキスト", "emoji only 😀",
        };
        var e = Fixtures.MiniLm;
        long truncatedBefore = e.TruncatedCount;
        var v = e.Encode(inputs);
        Assert.AreEqual(inputs.Length, v.Length);
        foreach (var row in v)
        {
            Assert.AreEqual(e.Dimension, row.Length);
            Assert.IsTrue(row.All(float.IsFinite));
        }
        Assert.AreEqual(1, e.TruncatedCount - truncatedBefore, "only the 100k-character input exceeds 256 tokens");
        CollectionAssert.AreEqual(v[1], v[0], "null is embedded as the empty string");
        Assert.AreEqual(1.0, Fixtures.Cos(v[1], v[2]), 1e-6, "whitespace-only tokenizes like the empty string");
    }

    [TestMethod]
    public void TruncationCountsAreExactAtTheBoundary()
    {
        using var e = Fixtures.Tiny(options: new SentenceEncoderOptions { MaxSequenceLength = 10 });
        // "a" is one WordPiece token: 8 fit beside [CLS] and [SEP], 9 do not.
        string Words(int n) => string.Join(' ', Enumerable.Repeat("a", n));
        Assert.AreEqual(8, e.Tokenizer.EncodeWords(Words(8)).Count);
        e.Encode(new[] { Words(8), Words(7), "" });
        Assert.AreEqual(0, e.TruncatedCount);
        e.Encode(new[] { Words(9), Words(50), Words(8) });
        Assert.AreEqual(2, e.TruncatedCount);
    }

    [TestMethod]
    public void EncodingDoesNotLeakTensors()
    {
        var e = Fixtures.MiniLm;
        var sentences = Fixtures.StsbSentences(200);
        e.Encode(sentences); // warm-up
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) e.Encode(sentences);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.AreEqual(before, after, "every tensor made while encoding must be disposed");
    }

    [TestMethod]
    public void SpanAndTensorVariantsEqualTheArrayVariant()
    {
        var e = Fixtures.MiniLm;
        var sentences = Fixtures.StsbSentences(10);
        var rows = e.Encode(sentences);
        var flat = new float[sentences.Count * e.Dimension];
        e.Encode(sentences, flat);
        using var t = e.EncodeToTensor(sentences);
        CollectionAssert.AreEqual(new long[] { sentences.Count, e.Dimension }, t.shape);
        var fromTensor = t.data<float>().ToArray();
        for (int i = 0; i < sentences.Count; i++)
        {
            CollectionAssert.AreEqual(rows[i], flat.AsSpan(i * e.Dimension, e.Dimension).ToArray());
            CollectionAssert.AreEqual(rows[i], fromTensor.AsSpan(i * e.Dimension, e.Dimension).ToArray());
        }
    }

    [TestMethod]
    public void BatchingRunsOneForwardPassPerBatch()
    {
        using var e = Fixtures.Tiny(options: new SentenceEncoderOptions { BatchSize = 16 });
        e.Encode(Enumerable.Range(0, 100).Select(i => (string?)$"sentence number {i}").ToList());
        Assert.AreEqual(7, e.ForwardPasses); // ceil(100 / 16)
    }

    [TestMethod]
    public void Bf16StaysCloseToFp32()
    {
        using var bf16 = SentenceEncoder.Load("default", new SentenceEncoderOptions { Precision = Precision.BFloat16 });
        var sentences = Fixtures.StsbSentences(50);
        var a = Fixtures.MiniLm.Encode(sentences);
        var b = bf16.Encode(sentences);
        double mean = Enumerable.Range(0, a.Length).Average(i => Fixtures.Cos(a[i], b[i]));
        Assert.IsTrue(mean > 0.99, $"mean cosine fp32 vs bf16 {mean:F4}");
    }

    [TestMethod]
    public void InvalidOptionsNameTheParameter()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Fixtures.Tiny(options: new SentenceEncoderOptions { BatchSize = 0 }));
        Assert.AreEqual("BatchSize", e.ParamName);
    }
}
