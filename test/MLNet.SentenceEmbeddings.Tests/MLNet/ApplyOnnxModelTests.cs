using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.Onnx;

namespace MLNet.SentenceEmbeddings.Tests.MLNetIntegration;

/// <summary>
/// The pure ML.NET route: an exported sentence encoder run by ML.NET's own ApplyOnnxModel after our tokenization.
/// ML.NET's OnnxTransformer takes known-size vector columns only ("Variable length input columns not supported") and
/// reads each unknown dimension as 1 unless a shape dictionary fixes it, so every row is padded to one length L and the
/// (batch, sequence) inputs are declared (1, L); the attention mask keeps the padding out of the result.
/// </summary>
[TestClass]
public class ApplyOnnxModelTests
{
    private const int Length = 64;

    public sealed class TokenRow
    {
        [ColumnName("input_ids"), VectorType(Length)] public long[] InputIds { get; set; } = Array.Empty<long>();
        [ColumnName("attention_mask"), VectorType(Length)] public long[] AttentionMask { get; set; } = Array.Empty<long>();
        [ColumnName("token_type_ids"), VectorType(Length)] public long[] TokenTypeIds { get; set; } = Array.Empty<long>();
    }

    public sealed class EmbeddingRow
    {
        [ColumnName("sentence_embedding"), VectorType(384)] public float[] Embedding { get; set; } = Array.Empty<float>();
    }

    [TestMethod]
    public void ApplyOnnxModelGivesTheEncodersVectors()
    {
        var encoder = Fixtures.MiniLm;
        string path = Path.Combine(Fixtures.NewTempDir(), "model.onnx");
        encoder.ExportOnnx(path);
        var sentences = Fixtures.StsbSentences(100);
        var rows = sentences.Select(s =>
        {
            var t = encoder.Tokenizer.Encode(s);
            Assert.IsTrue(t.Length <= Length, $"'{s}' has {t.Length} tokens; the test pads to {Length}");
            var row = new TokenRow { InputIds = new long[Length], AttentionMask = new long[Length], TokenTypeIds = new long[Length] };
            for (int i = 0; i < Length; i++)
            {
                row.InputIds[i] = i < t.Length ? t.InputIds[i] : encoder.Tokenizer.PadTokenId;
                row.AttentionMask[i] = i < t.Length ? 1 : 0;
                row.TokenTypeIds[i] = i < t.Length ? t.TokenTypeIds[i] : 0;
            }
            return row;
        }).ToList();

        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(rows);
        string[] inputs = { OnnxGraphNames.InputIds, OnnxGraphNames.AttentionMask, OnnxGraphNames.TokenTypeIds };
        var shapes = inputs.ToDictionary(n => n, _ => new[] { 1, Length });
        using var model = ml.Transforms.ApplyOnnxModel(new[] { OnnxGraphNames.SentenceEmbedding }, inputs, path, shapes, gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100).Fit(data);
        var actual = ml.Data.CreateEnumerable<EmbeddingRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Embedding).ToArray();

        var expected = encoder.Encode(sentences);
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Fixtures.Cos(expected[i], actual[i]) >= 0.9999, $"row {i}: cosine {Fixtures.Cos(expected[i], actual[i]):F6}");
    }
}
