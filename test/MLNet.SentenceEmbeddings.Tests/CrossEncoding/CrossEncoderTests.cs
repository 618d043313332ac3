using MLNet.SentenceEmbeddings.Modules;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Native;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.Tests.CrossEncoding;

[TestClass]
public class CrossEncoderTests
{
    private static readonly string[] Words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread" };

    internal static CrossEncoder Tiny(int labels = 1, bool pooler = true, long seed = 1, SentenceEncoderOptions? options = null, PoolingMode pooling = PoolingMode.Cls) =>
        CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, labels, pooler, maxSequenceLength: 64, seed: seed, options: options, pooling: pooling);

    internal static List<(string?, string?)> SomePairs() => Enumerable.Range(0, 20)
        .Select(i => ((string?)$"the {Words[i % 8]} is by the {Words[(i + 3) % 8]}", (string?)($"a {Words[(i * 5) % 8]}" + new string('!', i % 6))))
        .ToList();

    [TestMethod]
    [DataRow(1, true)]
    [DataRow(3, false)]
    public void SaveAndLoadRoundTripExactly(int labels, bool pooler)
    {
        using var ce = Tiny(labels, pooler);
        var pairs = SomePairs();
        var before = ce.PredictLogits(pairs);
        string dir = Fixtures.NewTempDir();
        ce.Save(dir);
        Assert.IsFalse(File.Exists(Path.Combine(dir, SentenceModuleList.ModulesFile)), "a cross-encoder folder is not a sentence-transformers bi-encoder");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.AreEqual("BertForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.AreEqual(labels, config["id2label"]!.AsObject().Count);
        var keys = SafeTensors.Read(Path.Combine(dir, WeightFiles.SafeTensorsFile)).Keys.ToList();
        Assert.IsTrue(keys.Contains("bert.embeddings.word_embeddings.weight") && keys.Contains("classifier.weight"));
        Assert.AreEqual(pooler, keys.Contains("bert.pooler.dense.weight"));

        using var loaded = CrossEncoder.Load(dir);
        Assert.AreEqual(labels, loaded.NumLabels);
        Assert.AreEqual(pooler, loaded.Head.HasPooler);
        var after = loaded.PredictLogits(pairs);
        for (int i = 0; i < pairs.Count; i++) CollectionAssert.AreEqual(before[i], after[i], $"pair {i}");
        var w1 = StateDict.Export(ce.Model).Concat(StateDict.Export(ce.Head)).ToList();
        var w2 = StateDict.Export(loaded.Model).Concat(StateDict.Export(loaded.Head)).ToList();
        for (int i = 0; i < w1.Count; i++) CollectionAssert.AreEqual(w1[i].Data, w2[i].Data, w1[i].Name);
        Assert.ThrowsExactly<ArgumentException>(() => CrossEncoder.Load(dir, numLabels: labels + 1));
    }

    /// <summary>
    /// NLI then STSb (the paper's BERT-NLI-STSb cross-encoder): a 3-label folder loaded with one label and replaceHead
    /// keeps every encoder and pooler weight and starts a fresh one-output classifier; without replaceHead it fails.
    /// </summary>
    [TestMethod]
    public void ReplaceHeadKeepsTheEncoderAndPoolerAndStartsANewClassifier()
    {
        using var nli = Tiny(labels: 3, pooler: true);
        string dir = Fixtures.NewTempDir();
        nli.Save(dir);
        Assert.ThrowsExactly<ArgumentException>(() => CrossEncoder.Load(dir, numLabels: 1));
        using var sts = CrossEncoder.Load(dir, numLabels: 1, seed: 7, replaceHead: true);
        Assert.AreEqual(1, sts.NumLabels);
        var before = StateDict.Export(nli.Model).Concat(StateDict.Export(nli.Head)).ToDictionary(a => a.Name);
        var after = StateDict.Export(sts.Model).Concat(StateDict.Export(sts.Head)).ToList();
        foreach (var a in after.Where(a => !a.Name.StartsWith("classifier.", StringComparison.Ordinal)))
            CollectionAssert.AreEqual(before[a.Name].Data, a.Data, a.Name);
        var classifier = after.Single(a => a.Name == "classifier.weight");
        CollectionAssert.AreEqual(new long[] { 1, Fixtures.TinyConfig.HiddenSize }, classifier.Shape);
        Assert.IsTrue(classifier.Data.Any(x => x != 0f), "the new classifier starts at N(0, 0.02), as a new head does");
        Assert.AreEqual(1, sts.PredictLogits(SomePairs())[0].Length);
    }

    [TestMethod]
    public void PredictKeepsTheOrderWithAndWithoutLengthSorting()
    {
        using var sorted = Tiny(options: new SentenceEncoderOptions { BatchSize = 3 });
        using var unsorted = Tiny(options: new SentenceEncoderOptions { BatchSize = 3, SortByLength = false });
        var pairs = SomePairs();
        var a = sorted.Predict(pairs);
        var b = unsorted.Predict(pairs);
        var single = pairs.Select(p => sorted.Predict(new[] { p })[0]).ToArray();
        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.AreEqual(single[i], a[i], 1e-5f, $"pair {i}, sorted batches");
            Assert.AreEqual(single[i], b[i], 1e-5f, $"pair {i}, unsorted batches");
            Assert.IsTrue(a[i] is > 0 and < 1);
        }
        Assert.IsTrue(a.Distinct().Count() > 10, "different pairs get different scores");
        Assert.AreEqual(7 + 20, sorted.ForwardPasses, "20 pairs in batches of 3, then one pass per pair");
        Assert.ThrowsExactly<InvalidOperationException>(() => Tiny(labels: 3).Predict(pairs));
    }

    /// <summary>
    /// The symmetric score is the mean of the two orders' scores, the same whichever order a pair comes in, and not
    /// the one-order score: a cross-encoder reads (a, b) and (b, a) as different inputs.
    /// </summary>
    [TestMethod]
    public void PredictSymmetricAveragesBothOrders()
    {
        using var ce = Tiny(options: new SentenceEncoderOptions { BatchSize = 4 });
        var pairs = SomePairs();
        var swapped = pairs.Select(p => (p.Item2, p.Item1)).ToList();
        var ab = ce.Predict(pairs);
        var ba = ce.Predict(swapped);
        var symmetric = ce.PredictSymmetric(pairs);
        var symmetricSwapped = ce.PredictSymmetric(swapped);
        for (int i = 0; i < pairs.Count; i++)
        {
            Assert.AreEqual((ab[i] + ba[i]) / 2, symmetric[i], 1e-5f, $"pair {i}");
            Assert.AreEqual(symmetric[i], symmetricSwapped[i], 1e-5f, $"pair {i} swapped");
        }
        Assert.IsTrue(ab.Zip(ba).Any(x => Math.Abs(x.First - x.Second) > 1e-3f), "the orders score differently, so the mean is not the one-order score");
        Assert.AreEqual(0, ce.PredictSymmetric(Array.Empty<(string?, string?)>()).Length);
        using var nli = Tiny(labels: 3);
        Assert.ThrowsExactly<InvalidOperationException>(() => nli.PredictSymmetric(pairs));
    }

    [TestMethod]
    public void TheSymmetricCorrelationEvaluatorScoresBothOrders()
    {
        using var ce = Tiny();
        var pairs = SomePairs().Select((p, i) => new SentencePair(p.Item1!, p.Item2!, i % 5)).ToList();
        var gold = pairs.Select(p => p.Score).ToList();
        double Spearman(float[] scores) => Correlation.Spearman(scores.Select(x => (double)x).ToList(), gold);
        var asPairs = pairs.Select(p => ((string?)p.Sentence1, (string?)p.Sentence2)).ToList();
        Assert.AreEqual(Spearman(ce.Predict(asPairs)), new CrossEncoderCorrelationEvaluator(pairs).Evaluate(ce)["spearman"], 1e-9);
        Assert.AreEqual(Spearman(ce.PredictSymmetric(asPairs)), new CrossEncoderCorrelationEvaluator(pairs, symmetric: true).Evaluate(ce)["spearman"], 1e-9);
    }

    /// <summary>
    /// A head on the mean (or mean and max) of the pair's tokens: padding takes no part (batched scores equal
    /// one-by-one scores), config.json names the pooling so a saved folder loads back to the same scores, no pooler
    /// weights are written, and asking a saved folder for another pooling fails unless its head is replaced.
    /// </summary>
    [TestMethod]
    [DataRow(PoolingMode.Mean)]
    [DataRow(PoolingMode.Mean | PoolingMode.Max)]
    public void APooledHeadIgnoresPaddingAndRoundTripsThroughItsConfig(PoolingMode pooling)
    {
        using var ce = Tiny(pooler: false, pooling: pooling, options: new SentenceEncoderOptions { BatchSize = 4 });
        Assert.AreEqual(pooling, ce.Head.Pooling);
        var pairs = SomePairs();
        var batched = ce.PredictLogits(pairs);
        for (int i = 0; i < pairs.Count; i++) Assert.AreEqual(ce.PredictLogits(new[] { pairs[i] })[0][0], batched[i][0], 1e-5f, $"pair {i}");
        Assert.IsTrue(batched.Select(x => x[0]).Distinct().Count() > 10, "different pairs get different scores");

        string dir = Fixtures.NewTempDir();
        ce.Save(dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.AreEqual(PoolingModes.ToName(pooling), config[CrossEncoderFolder.PoolingKey]!.GetValue<string>());
        Assert.IsFalse(SafeTensors.Read(Path.Combine(dir, WeightFiles.SafeTensorsFile)).Keys.Any(k => k.Contains("pooler", StringComparison.Ordinal)));
        using var loaded = CrossEncoder.Load(dir, options: new SentenceEncoderOptions { BatchSize = 4 });
        Assert.AreEqual(pooling, loaded.Head.Pooling);
        var after = loaded.PredictLogits(pairs);
        for (int i = 0; i < pairs.Count; i++) CollectionAssert.AreEqual(batched[i], after[i], $"pair {i}");

        var e = Assert.ThrowsExactly<ArgumentException>(() => CrossEncoder.Load(dir, pooling: PoolingMode.Cls));
        StringAssert.Contains(e.Message, "config.json");
        StringAssert.Contains(e.Message, $"pooling {PoolingModes.ToName(pooling)}, not {PoolingModes.ToName(PoolingMode.Cls)}");
        Assert.AreEqual("pooling", e.ParamName);
        using var replaced = CrossEncoder.Load(dir, pooling: PoolingMode.Cls, replaceHead: true);
        Assert.AreEqual(PoolingMode.Cls, replaced.Head.Pooling);
        Assert.IsFalse(replaced.Head.HasPooler, "the folder has no pooler to start one from");

        config[CrossEncoderFolder.PoolingKey] = "median";
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var bad = Assert.ThrowsExactly<InvalidDataException>(() => CrossEncoder.Load(dir));
        StringAssert.Contains(bad.Message, CrossEncoderFolder.PoolingKey);
        StringAssert.Contains(bad.Message, "config.json");
    }

    /// <summary>
    /// A head comparing the two sentences starts at sigmoid(5 (cos − 1/2)), the cosine taken here by hand between the
    /// means of each sentence's token vectors of the one joint pass (split by the tokenizer's token types), unbatched;
    /// batched scores must match it, so padding takes no part. The choice round-trips through config.json.
    /// </summary>
    [TestMethod]
    public void ACosineHeadComparesEachSentencesMeanTokenVectorFromTheJointPass()
    {
        using var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 1,
            options: new SentenceEncoderOptions { BatchSize = 4 }, pooling: PoolingMode.Mean, compareSegments: true);
        Assert.IsTrue(ce.Head.CompareSegments);
        var pairs = SomePairs();
        var scores = ce.Predict(pairs);
        ce.Model.eval();
        for (int i = 0; i < pairs.Count; i++)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var input = ce.Transformer.TokenizePair(pairs[i].Item1, pairs[i].Item2);
            using var batch = TokenBatch.Pad(new[] { input }, ce.Tokenizer.PadTokenId);
            var hidden = ce.Model.forward(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask)[0].to_type(torch.ScalarType.Float64);
            double[] Mean(int type)
            {
                var rows = Enumerable.Range(0, input.InputIds.Length).Where(t => input.TokenTypeIds[t] == type).ToArray();
                Assert.IsTrue(rows.Length > 0, $"pair {i} has tokens of type {type}");
                var m = new double[hidden.shape[1]];
                foreach (int t in rows) { var v = hidden[t].data<double>().ToArray(); for (int d = 0; d < m.Length; d++) m[d] += v[d] / rows.Length; }
                return m;
            }
            double[] u = Mean(0), w = Mean(1);
            double cos = u.Zip(w).Sum(x => x.First * x.Second) / Math.Sqrt(u.Sum(x => x * x) * w.Sum(x => x * x));
            double expected = 1 / (1 + Math.Exp(-CrossEncoderHead.CosineScale * (cos - 0.5)));
            Assert.AreEqual(expected, scores[i], 1e-4, $"pair {i}");
        }

        string dir = Fixtures.NewTempDir();
        ce.Save(dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.IsTrue(config[CrossEncoderFolder.CompareSegmentsKey]!.GetValue<bool>());
        using (var loaded = CrossEncoder.Load(dir, options: new SentenceEncoderOptions { BatchSize = 4 }))
        {
            Assert.IsTrue(loaded.Head.CompareSegments);
            CollectionAssert.AreEqual(scores, loaded.Predict(pairs));
        }
        var e = Assert.ThrowsExactly<ArgumentException>(() => CrossEncoder.Load(dir, compareSegments: false));
        StringAssert.Contains(e.Message, "compareSegments");
        Assert.ThrowsExactly<InvalidOperationException>(() => ce.Head.forward(torch.zeros(1, 3, 8), torch.ones(1, 3)));
        Assert.ThrowsExactly<ArgumentException>(() => new CrossEncoderHead(8, 3, pooler: false, 0.1, PoolingMode.Mean, compareSegments: true));
        Assert.ThrowsExactly<ArgumentException>(() => new CrossEncoderHead(8, 1, pooler: false, 0.1, PoolingMode.Cls, compareSegments: true));
    }

    /// <summary>
    /// With separate lower layers the pair is read as "[CLS] a [SEP] [CLS] b [SEP]". With every layer apart, each
    /// sentence's token vectors in the pair are those the encoder gives the sentence alone (the second under token
    /// type 1, positions from 0); with the top layer reading the pair they are not.
    /// The setting round-trips through config.json and a value beyond the layers fails naming the key.
    /// </summary>
    [TestMethod]
    public void SeparateLayersReadEachSentenceAloneUntilTheLayersThatReadThePair()
    {
        CrossEncoder Make(int apart) => CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 1,
            pooling: PoolingMode.Mean, compareSegments: true, separateLayers: apart);
        int layers = Fixtures.TinyConfig.NumHiddenLayers;
        using var apart = Make(layers);
        using var late = Make(layers - 1);
        var (a, b) = ("the cat is by the river", "a dog!");
        var pair = apart.TokenizePair(a, b);
        var first = apart.Transformer.Tokenize(a);
        var second = apart.Transformer.Tokenize(b);
        CollectionAssert.AreEqual(first.InputIds.Concat(second.InputIds).ToArray(), pair.InputIds, "each sentence with its own [CLS] and [SEP]");
        CollectionAssert.AreEqual(first.InputIds.Select(_ => 0).Concat(second.InputIds.Select(_ => 1)).ToArray(), pair.TokenTypeIds);

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.Tensor Ids(int[] x) => torch.tensor(x.Select(v => (long)v).ToArray()).unsqueeze(0);
        var ids = Ids(pair.InputIds);
        var types = Ids(pair.TokenTypeIds);
        var mask = torch.ones_like(ids);
        torch.Tensor Alone(CrossEncoder ce, TokenizedInput input, int type) =>
            ce.Model.forward(Ids(input.InputIds), torch.full_like(Ids(input.InputIds), type), torch.ones_like(Ids(input.InputIds)))[0];
        var bert = (BertModel)apart.Model;
        var together = bert.EncodeSentencesApart(ids, types, mask, layers)[0];
        int n = first.Length;
        Assert.IsTrue(together.slice(0, 0, n, 1).allclose(Alone(apart, first, 0), atol: 1e-5), "the first sentence as alone");
        Assert.IsTrue(together.slice(0, n, pair.Length, 1).allclose(Alone(apart, second, 1), atol: 1e-5), "the second sentence as alone, under type 1");
        var lateTogether = ((BertModel)late.Model).EncodeSentencesApart(ids, types, mask, layers - 1)[0];
        Assert.IsFalse(lateTogether.slice(0, 0, n, 1).allclose(Alone(late, first, 0), atol: 1e-3), "the top layer reads the pair");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => bert.EncodeSentencesApart(ids, types, mask, layers + 1));

        string dir = Fixtures.NewTempDir();
        late.Save(dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.AreEqual(layers - 1, config[CrossEncoderFolder.SeparateLayersKey]!.GetValue<int>());
        var pairs = SomePairs();
        using (var loaded = CrossEncoder.Load(dir))
        {
            Assert.AreEqual(layers - 1, loaded.SeparateLayers);
            CollectionAssert.AreEqual(late.Predict(pairs), loaded.Predict(pairs));
        }
        config[CrossEncoderFolder.SeparateLayersKey] = layers + 1;
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var bad = Assert.ThrowsExactly<InvalidDataException>(() => CrossEncoder.Load(dir));
        StringAssert.Contains(bad.Message, CrossEncoderFolder.SeparateLayersKey);
        StringAssert.Contains(bad.Message, "config.json");
    }

    /// <summary>
    /// A cross-sentence gate closed (a very negative bias) reads each sentence alone, as every layer apart does; open
    /// (0) it reads the pair as every layer reading it does. Gradients reach its biases, in fp32 and under bf16
    /// autocast, so training can open it. It round-trips through the weights file, and a folder's gate is kept when
    /// its head is replaced.
    /// </summary>
    [TestMethod]
    public void ACrossSentenceGateGoesFromEachSentenceAloneToThePairAndLearns()
    {
        int layers = Fixtures.TinyConfig.NumHiddenLayers;
        CrossEncoder Make(int apart, double? gate) => CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 1,
            pooling: PoolingMode.Mean, compareSegments: true, separateLayers: apart, crossSentenceGate: gate);
        using var closed = Make(0, -1e4);
        using var open = Make(0, 0);
        using var apart = Make(layers, null);
        using var together = Make(0, null);
        var pairs = SomePairs();
        CollectionAssert.AreEqual(apart.TokenizePair("a cat", "a dog").InputIds, closed.TokenizePair("a cat", "a dog").InputIds, "each sentence with its own [CLS] and [SEP]");
        float[] Scores(CrossEncoder ce) => ce.Predict(pairs);
        float[] Apart(CrossEncoder ce) // every layer apart but with the gated model's layout: the reference for both gates
        {
            using var s = torch.NewDisposeScope();
            using var g = torch.no_grad();
            var batch = TokenBatch.Pad(pairs.Select(p => ce.TokenizePair(p.Item1, p.Item2)).ToList(), ce.Tokenizer.PadTokenId, ce.Device);
            return ce.Head.forward(((BertModel)ce.Model).EncodeSentencesApart(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask, layers), batch.AttentionMask, batch.TokenTypeIds)
                .squeeze(1).sigmoid().data<float>().ToArray();
        }
        var alone = Apart(closed);
        var closedScores = Scores(closed);
        for (int i = 0; i < pairs.Count; i++) Assert.AreEqual(alone[i], closedScores[i], 1e-5, $"pair {i}: a closed gate reads each sentence alone");
        var openScores = Scores(open);
        Assert.IsTrue(openScores.Zip(alone).Any(x => Math.Abs(x.First - x.Second) > 1e-3), "an open gate reads across");
        using (var s = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var batch = TokenBatch.Pad(pairs.Select(p => open.TokenizePair(p.Item1, p.Item2)).ToList(), open.Tokenizer.PadTokenId, open.Device);
            var bert = (BertModel)open.Model;
            var gated = bert.EncodeSentencesApart(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask, 0, open.Head.CrossSentenceGate!.Bias);
            var plain = bert.EncodeSentencesApart(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask, 0);
            Assert.IsTrue(gated.allclose(plain, atol: 1e-5), "a gate at 0 reads the pair as BERT does");
            Assert.ThrowsExactly<ArgumentException>(() => bert.EncodeSentencesApart(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask, 0, torch.zeros(layers + 1, 2)));
        }

        using var learning = Make(0, -4);
        foreach (bool bf16 in new[] { false, true })
        {
            using var s = torch.NewDisposeScope();
            var batch = TokenBatch.Pad(pairs.Select(p => learning.TokenizePair(p.Item1, p.Item2)).ToList(), learning.Tokenizer.PadTokenId, learning.Device);
            var bias = learning.Head.CrossSentenceGate!.parameters().Single();
            bias.grad?.zero_();
            using (bf16 ? Autocast.BFloat16() : null)
            {
                var logits = learning.Forward(batch);
                logits.to_type(torch.ScalarType.Float32).square().mean().backward();
            }
            Assert.IsNotNull(bias.grad, $"bf16 {bf16}: the gate's biases get a gradient");
            Assert.IsTrue(bias.grad!.abs().sum().item<float>() > 0, $"bf16 {bf16}: a gradient that is not zero");
        }

        string dir = Fixtures.NewTempDir();
        learning.Save(dir);
        using (torch.no_grad()) { var bias = learning.Head.CrossSentenceGate!.Bias; bias.add_(torch.arange(bias.numel()).view(bias.shape).to_type(torch.ScalarType.Float32) / 10); }
        learning.Save(dir + "-moved");
        Assert.IsTrue(SafeTensors.Read(Path.Combine(dir, WeightFiles.SafeTensorsFile)).ContainsKey(CrossEncoderFolder.GateBiasKey));
        var expected = learning.Predict(pairs);
        using (var loaded = CrossEncoder.Load(dir + "-moved"))
        {
            Assert.IsNotNull(loaded.Head.CrossSentenceGate);
            CollectionAssert.AreEqual(expected, loaded.Predict(pairs));
        }
        using (var relabelled = CrossEncoder.Load(dir + "-moved", numLabels: 2, replaceHead: true, pooling: PoolingMode.Mean, compareSegments: false))
            Assert.IsTrue(relabelled.Head.CrossSentenceGate!.Bias.allclose(learning.Head.CrossSentenceGate!.Bias, rtol: 0, atol: 0), "a replaced head keeps the folder's gate");
        string plainDir = Fixtures.NewTempDir();
        together.Save(plainDir);
        // Under a culture with a decimal comma the start must still read as the code writes it.
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        ArgumentException e;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            e = Assert.ThrowsExactly<ArgumentException>(() => CrossEncoder.Load(plainDir, crossSentenceGate: -4.5));
        }
        finally { System.Globalization.CultureInfo.CurrentCulture = culture; }
        StringAssert.Contains(e.Message, "crossSentenceGate none, not -4.5");
        Assert.AreEqual("crossSentenceGate", e.ParamName);
    }

    [TestMethod]
    public void AMeanHeadOnAnEmbeddedEncoderLeavesItsPoolerOut()
    {
        using var ce = CrossEncoder.Load("default", numLabels: 1, pooling: PoolingMode.Mean);
        Assert.AreEqual(PoolingMode.Mean, ce.Head.Pooling);
        Assert.IsFalse(ce.Head.HasPooler, "BERT's pooler reads [CLS] only");
        Assert.IsFalse(StateDict.Export(ce.Head).Any(a => a.Name.StartsWith("dense.", StringComparison.Ordinal)));
        Assert.ThrowsExactly<ArgumentException>(() => new CrossEncoderHead(8, 1, pooler: true, 0.1, PoolingMode.Mean));
    }

    [TestMethod]
    public void AnEmbeddedEncoderStartsACrossEncoderWithItsPooler()
    {
        using var ce = CrossEncoder.Load("default", numLabels: 1);
        Assert.IsTrue(ce.Head.HasPooler, "all-MiniLM-L6-v2's converted weights carry BERT's pooler");
        Assert.AreEqual(1, ce.NumLabels);
        var weights = SafeTensors.Read(Path.Combine(ModelLocator.Resolve("default"), WeightFiles.SafeTensorsFile));
        var pooler = StateDict.Export(ce.Head).Single(a => a.Name == "dense.weight");
        CollectionAssert.AreEqual(weights["pooler.dense.weight"].Data, pooler.Data);
        var encoderWeight = StateDict.Export(ce.Model).Single(a => a.Name == "encoder.layer.5.output.dense.weight");
        CollectionAssert.AreEqual(weights["encoder.layer.5.output.dense.weight"].Data, encoderWeight.Data);
    }
}
