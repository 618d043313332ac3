using MLNet.SentenceEmbeddings.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

[TestClass]
public class MPNetModelTests
{
    [TestMethod]
    public void MiniLmRewrittenAsMPNetMatchesOnnxRuntimeOn1000StsbSentences()
    {
        var (config, weights) = ConstructedEquivalence.MPNet();
        using var model = ConstructedEquivalence.Build(config, weights);
        Assert.IsInstanceOfType<MPNetModel>(model);
        ConstructedEquivalence.AssertEquivalent("mpnet", model);
    }

    // relative = key position - query position. Hand-computed from MPNet's rule (32 buckets, max distance 128): keys
    // before the query use buckets 0-15, keys after 16-31; distances 0-7 are exact, d = 8..127 take
    // 8 + floor(ln(d / 8) / ln(16) * 8), and from 128 on the last bucket of the half.
    [TestMethod]
    [DataRow(0, 0)]
    [DataRow(-1, 1)]
    [DataRow(-7, 7)]
    [DataRow(-8, 8)]      // ln(1) = 0
    [DataRow(-12, 9)]     // 8 + floor(1.17)
    [DataRow(-16, 10)]    // 8 + floor(2.00): ln 2 / ln 16 = 1/4
    [DataRow(-20, 10)]    // 8 + floor(2.64)
    [DataRow(-32, 12)]    // ln 4 / ln 16 = 1/2
    [DataRow(-40, 12)]    // 8 + floor(4.64)
    [DataRow(-64, 14)]    // ln 8 / ln 16 = 3/4
    [DataRow(-100, 15)]   // 8 + floor(7.29)
    [DataRow(-127, 15)]   // 8 + floor(7.98)
    [DataRow(-128, 15)]   // 8 + 8 = 16, capped at 15
    [DataRow(-1000, 15)]
    [DataRow(1, 17)]
    [DataRow(7, 23)]
    [DataRow(8, 24)]
    [DataRow(20, 26)]
    [DataRow(100, 31)]
    [DataRow(5000, 31)]
    public void RelativePositionBucketsFollowMPNet(int relative, int expected)
    {
        using var r = tensor(new long[] { relative });
        using var bucket = MPNetEncoder.RelativePositionBucket(r);
        Assert.AreEqual(expected, bucket.item<long>());
    }

    [TestMethod]
    public void BucketsOfAWholeMatrixAreThoseOfEachDistance()
    {
        // The model computes a (T, T) matrix at once (the vectorised log can round differently from a scalar one).
        const int t = 300;
        using var positions = arange(t, dtype: ScalarType.Int64);
        using var relative = positions.unsqueeze(0) - positions.unsqueeze(1);
        using var buckets = MPNetEncoder.RelativePositionBucket(relative);
        var values = buckets.data<long>().ToArray();
        for (int i = 0; i < t; i += 7)
            for (int j = 0; j < t; j++)
                Assert.AreEqual(Bucket(j - i), values[i * t + j], $"query {i}, key {j}");
    }

    /// <summary>MPNet's bucket rule written out in double precision, independently of the model's tensor code.</summary>
    private static int Bucket(int relative)
    {
        int n = -relative;
        int ret = n < 0 ? 16 : 0;
        n = Math.Abs(n);
        return n < 8 ? ret + n : ret + Math.Min(15, 8 + (int)(Math.Log(n / 8.0) / Math.Log(16.0) * 8));
    }

    [TestMethod]
    public void NonZeroRelativeBiasMatchesAnExplicitSoftmaxReferenceInValuesAndGradients()
    {
        var json = TinyArchitectures.Config("mpnet");
        json["hidden_dropout_prob"] = 0.0;
        json["attention_probs_dropout_prob"] = 0.0;
        torch.manual_seed(3);
        using var model = (MPNetModel)TransformerModels.Create(json, "tiny mpnet");
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var biasTable = p["encoder.relative_attention_bias.weight"];
        using (no_grad()) biasTable.normal_(0, 1); // a bias strong enough to change every attention pattern
        model.eval();

        // Lengths up to 40 reach both exact and logarithmic buckets in both directions; the shorter rows are padded.
        long[] lengths = { 40, 23, 7 };
        long b = lengths.Length, t = lengths.Max();
        var ids = new long[b * t];
        var mask = new long[b * t];
        var random = new Random(17);
        for (int r = 0; r < b; r++)
            for (int i = 0; i < t; i++)
            {
                bool real = i < lengths[r];
                ids[r * t + i] = real ? random.Next(1000, 2000) : 0;
                mask[r * t + i] = real ? 1 : 0;
            }
        using var scope = NewDisposeScope();
        var inputIds = tensor(ids, new[] { b, t });
        var attentionMask = tensor(mask, new[] { b, t });
        var realTokens = attentionMask.to_type(ScalarType.Float32).unsqueeze(-1); // (B, T, 1)

        var ours = model.forward(inputIds, zeros_like(inputIds), attentionMask);
        var reference = Reference(p, model.Config, inputIds, lengths);
        double diff = ((ours - reference) * realTokens).abs().max().item<float>();
        Assert.IsTrue(diff < 1e-4, $"largest difference on real tokens {diff}");

        // The gradient reaches the bias table through the float attention mask, as through explicit softmax attention.
        var probe = randn(b, t, model.HiddenSize) * realTokens;
        (ours * probe).sum().backward();
        var ourGrad = biasTable.grad!.clone();
        model.zero_grad();
        (reference * probe).sum().backward();
        var referenceGrad = biasTable.grad!.clone();
        double scale = referenceGrad.abs().max().item<float>();
        Assert.IsTrue(scale > 1e-3, "the reference gradient of the bias is not zero");
        double gradDiff = (ourGrad - referenceGrad).abs().max().item<float>();
        Assert.IsTrue(gradDiff < 1e-4 * Math.Max(1, scale), $"bias gradient differs by {gradDiff} (scale {scale})");

        // And the bias matters: without it the outputs move far more than the tolerance above.
        using (no_grad()) biasTable.zero_();
        var unbiased = model.forward(inputIds, zeros_like(inputIds), attentionMask);
        double effect = ((unbiased - ours) * realTokens).abs().max().item<float>();
        Assert.IsTrue(effect > 1e-2, $"the relative bias changed the output by only {effect}");
    }

    /// <summary>
    /// MPNet's forward pass in plain tensor operations with explicit softmax attention: scores = q·k/sqrt(hs) +
    /// bias[bucket(j - i)] with -inf at padded keys; positions 2, 3, ... for real tokens and 1 for pads.
    /// </summary>
    private static Tensor Reference(Dictionary<string, Parameter> p, MPNetConfig c, Tensor inputIds, long[] lengths)
    {
        long b = inputIds.shape[0], t = inputIds.shape[1];
        int h = c.HiddenSize, nh = c.NumAttentionHeads, hs = h / nh;
        var positions = new long[b * t];
        var padded = new bool[b * t];
        for (int r = 0; r < b; r++)
            for (int i = 0; i < t; i++)
            {
                positions[r * t + i] = i < lengths[r] ? i + 2 : 1;
                padded[r * t + i] = i >= lengths[r];
            }
        var buckets = new long[t * t];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++) buckets[i * t + j] = Bucket(j - i);

        Tensor LayerNorm(Tensor x, string name) =>
            nn.functional.layer_norm(x, new long[] { h }, p[name + ".weight"], p[name + ".bias"], c.LayerNormEps);
        Tensor Linear(Tensor x, string name) => x.matmul(p[name + ".weight"].t()) + p[name + ".bias"];
        Tensor Heads(Tensor x) => x.view(b, t, nh, hs).permute(0, 2, 1, 3); // (B, nh, T, hs)

        var x = p["embeddings.word_embeddings.weight"].index_select(0, inputIds.flatten()).view(b, t, h)
                + p["embeddings.position_embeddings.weight"].index_select(0, tensor(positions)).view(b, t, h);
        x = LayerNorm(x, "embeddings.LayerNorm");
        var bias = p["encoder.relative_attention_bias.weight"].index_select(0, tensor(buckets)).view(t, t, nh).permute(2, 0, 1); // (nh, T, T)
        var padKeys = tensor(padded, new[] { b, 1, 1, t });
        for (int l = 0; l < c.NumHiddenLayers; l++)
        {
            string layer = $"encoder.layer.{l}.";
            var q = Heads(Linear(x, layer + "attention.attn.q"));
            var k = Heads(Linear(x, layer + "attention.attn.k"));
            var v = Heads(Linear(x, layer + "attention.attn.v"));
            var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(hs) + bias.unsqueeze(0);     // (B, nh, T, T)
            var probs = scores.masked_fill(padKeys, float.NegativeInfinity).softmax(-1);
            var context = probs.matmul(v).permute(0, 2, 1, 3).reshape(b, t, h);                   // (B, T, H)
            var attended = LayerNorm(Linear(context, layer + "attention.attn.o") + x, layer + "attention.LayerNorm");
            var ffn = Linear(nn.functional.gelu(Linear(attended, layer + "intermediate.dense")), layer + "output.dense");
            x = LayerNorm(ffn + attended, layer + "output.LayerNorm");
        }
        return x;
    }

    [TestMethod]
    public void OneSiameseEpochLowersTheLossAndTheWeightsRoundTripExactly()
    {
        using var model = TinyArchitectures.Create("mpnet");
        var (before, after) = TinyArchitectures.TrainOneEpoch(model, TinyArchitectures.Pairs(32));
        Assert.IsTrue(after < 0.7 * before, $"loss {before:F4} -> {after:F4}");
        TinyArchitectures.AssertWeightsRoundTrip(model);
    }

    [TestMethod]
    public void BFloat16StaysCloseToFloat32()
    {
        using var model = TinyArchitectures.Create("mpnet");
        TinyArchitectures.AssertBFloat16StaysCloseToFloat32(model);
    }

    [TestMethod]
    public void PaddingDoesNotChangeTheTokenVectors()
    {
        using var model = TinyArchitectures.Create("mpnet");
        using (no_grad()) model.named_parameters().Single(p => p.name == "encoder.relative_attention_bias.weight").parameter.normal_(0, 1);
        TinyArchitectures.AssertPaddingDoesNotChangeTokens(model);
    }

    [TestMethod]
    public void ConfigRoundTripsThroughConfigJsonAndPositionsStartAfterIndexOne()
    {
        var config = new MPNetConfig { HiddenSize = 64, NumAttentionHeads = 4, MaxPositionEmbeddings = 514, LayerNormEps = 1e-5 };
        Assert.AreEqual(config, MPNetConfig.FromJson(config.ToJson(), "config.json"));
        Assert.AreEqual(512, config.MaxSequenceLength);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => MPNetConfig.FromJson(new() { ["model_type"] = "mpnet", ["relative_attention_num_buckets"] = 16 }, "cfg/config.json"));
        StringAssert.Contains(e.Message, "cfg/config.json");
        StringAssert.Contains(e.Message, "relative_attention_num_buckets");
    }

    [TestMethod]
    public void CheckpointKeysLoseThePrefixAndThePoolerIsDropped()
    {
        using var model = TinyArchitectures.Create("mpnet");
        Assert.AreEqual("encoder.layer.0.attention.attn.q.weight", model.MapCheckpointKey("mpnet.encoder.layer.0.attention.attn.q.weight"));
        Assert.AreEqual("encoder.relative_attention_bias.weight", model.MapCheckpointKey("encoder.relative_attention_bias.weight"));
        Assert.IsNull(model.MapCheckpointKey("mpnet.pooler.dense.weight"));
        Assert.IsNull(model.MapCheckpointKey("lm_head.dense.weight"));
        Assert.IsNull(model.MapCheckpointKey("embeddings.position_ids"));
        Assert.IsFalse(model.UsesTokenTypes);
    }
}
