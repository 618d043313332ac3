using MLNet.SentenceEmbeddings.Modules;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using MLNet.SentenceEmbeddings.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

/// <summary>
/// Tiny random models of each architecture (2 layers, 32 wide, MiniLM's vocabulary and tokenizer) and what every
/// architecture must do with them: train one epoch with a Siamese objective, and survive a weights round trip exactly.
/// </summary>
internal static class TinyArchitectures
{
    public const int MaxTokens = 64;

    /// <summary>A tiny config.json of <paramref name="modelType"/>, with dropout on (training must handle it).</summary>
    public static JsonObject Config(string modelType)
    {
        int vocab = Tokenizer.VocabSize;
        return modelType switch
        {
            "distilbert" => new JsonObject
            {
                ["model_type"] = "distilbert", ["vocab_size"] = vocab, ["dim"] = 32, ["n_layers"] = 2, ["n_heads"] = 4,
                ["hidden_dim"] = 64, ["max_position_embeddings"] = MaxTokens, ["dropout"] = 0.1, ["attention_dropout"] = 0.1,
            },
            _ => new JsonObject
            {
                ["model_type"] = modelType, ["vocab_size"] = vocab, ["hidden_size"] = 32, ["num_hidden_layers"] = 2,
                ["num_attention_heads"] = 4, ["intermediate_size"] = 64, ["hidden_dropout_prob"] = 0.1,
                ["attention_probs_dropout_prob"] = 0.1, ["layer_norm_eps"] = 1e-5, ["type_vocab_size"] = 1,
                // RoBERTa and MPNet positions start after the padding index 1: two extra rows.
                ["max_position_embeddings"] = MaxTokens + 2, ["pad_token_id"] = 1,
            },
        };
    }

    /// <summary>A seeded random model of <paramref name="modelType"/> built by the factory.</summary>
    public static TransformerModel Create(string modelType, long seed = 5)
    {
        torch.manual_seed(seed);
        return TransformerModels.Create(Config(modelType), $"tiny {modelType} config");
    }

    private static readonly Lazy<SentenceTokenizer> TokenizerLazy = new(() => SentenceTokenizer.FromVocab(Fixtures.Vocab, MaxTokens, doLowerCase: true));

    public static SentenceTokenizer Tokenizer => TokenizerLazy.Value;

    private static readonly string[] Words = { "cat", "dog", "car", "tree", "house", "river", "music", "bread" };

    /// <summary>Pairs of mixed lengths whose score says whether they name the same thing.</summary>
    public static List<TrainingExample> Pairs(int n) => Enumerable.Range(0, n)
        .Select(i => TrainingExample.Pair(
            i % 3 == 0 ? $"the {Words[i % 8]} is here" : $"look, the old {Words[i % 8]} that we saw yesterday is still here",
            $"a {Words[(i * 3) % 8]} is there", i % 8 == (i * 3) % 8 ? 1.0 : 0.1))
        .ToList();

    /// <summary>(B, H) MEAN-pooled sentence vectors of one column, with the graph attached when grad is on.</summary>
    private static Tensor Embed(TransformerModel model, PoolingModule pooling, IEnumerable<string?> texts)
    {
        using var tokens = TokenBatch.Pad(texts.Select(t => Tokenizer.Encode(t)).ToList(), Tokenizer.PadTokenId);
        using var hidden = model.forward(tokens.InputIds, tokens.TokenTypeIds, tokens.AttentionMask);
        return pooling.Pool(hidden, tokens.AttentionMask);
    }

    private static Tensor BatchLoss(TransformerModel model, PoolingModule pooling, ISentenceLoss loss, IReadOnlyList<TrainingExample> batch)
    {
        using var scope = NewDisposeScope();
        var embeddings = Enumerable.Range(0, 2).Select(c => Embed(model, pooling, batch.Select(e => e.Texts[c]))).ToList();
        using var labels = tensor(batch.Select(e => (float)e.Label).ToArray());
        return loss.Compute(embeddings, labels).MoveToOuterDisposeScope();
    }

    /// <summary>The loss over all of <paramref name="data"/> in eval mode (no dropout, no grad).</summary>
    public static double EvalLoss(TransformerModel model, IReadOnlyList<TrainingExample> data)
    {
        using var pooling = new PoolingModule(model.HiddenSize, PoolingMode.Mean);
        model.eval();
        using var _ = no_grad();
        using var loss = BatchLoss(model, pooling, new CosineSimilarityLoss(), data);
        return loss.item<float>();
    }

    /// <summary>
    /// One epoch of SBERT's regression objective (CosineSimilarityLoss on MEAN-pooled vectors, AdamW, batches of 4).
    /// SiameseTrainer needs a SentenceEncoder, which is built around BertModel only until the model folder rewrite
    /// lands, so the loop is written here with the library's loss.
    /// </summary>
    /// <returns>The eval-mode loss over the set before and after the epoch.</returns>
    public static (double Before, double After) TrainOneEpoch(TransformerModel model, IReadOnlyList<TrainingExample> data, long seed = 11)
    {
        double before = EvalLoss(model, data);
        torch.manual_seed(seed);
        using var pooling = new PoolingModule(model.HiddenSize, PoolingMode.Mean);
        var loss = new CosineSimilarityLoss();
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = torch.optim.AdamW(trainable, lr: 1e-3);
        model.train();
        foreach (var batch in data.Chunk(4))
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var value = BatchLoss(model, pooling, loss, batch);
            value.backward();
            optimizer.step();
        }
        double after = EvalLoss(model, data);
        Console.WriteLine($"{model.ModelType}: one epoch over {data.Count} pairs, eval loss {before:F4} -> {after:F4}");
        return (before, after);
    }

    /// <summary>
    /// Writes the weights with StateDict.Export and SafeTensors.Write, reads them into a fresh model built from
    /// <see cref="TransformerModel.ToConfigJson"/>, and asserts every parameter and the output are bit-identical.
    /// </summary>
    public static void AssertWeightsRoundTrip(TransformerModel model)
    {
        string path = Path.Combine(Fixtures.NewTempDir(), "model.safetensors");
        SafeTensors.Write(path, StateDict.Export(model));
        using var loaded = TransformerModels.Create(model.ToConfigJson(), "written config.json");
        Assert.AreEqual(model.GetType(), loaded.GetType());
        StateDict.Load(loaded, SafeTensors.Read(path), path, loaded.MapCheckpointKey);
        var expected = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var actual = loaded.named_parameters().ToList();
        Assert.AreEqual(expected.Count, actual.Count);
        foreach (var (name, p) in actual)
            Assert.IsTrue(Identical(p, expected[name]), $"{model.ModelType}: weight {name} changed in the round trip");

        var sentences = Pairs(6).Select(e => e.Texts[0]).ToList();
        using var pooling = new PoolingModule(model.HiddenSize, PoolingMode.Mean);
        model.eval();
        loaded.eval();
        using var _ = no_grad();
        using var a = Embed(model, pooling, sentences);
        using var b = Embed(loaded, pooling, sentences);
        Assert.IsTrue(Identical(a, b), $"{model.ModelType}: the reloaded model computes different vectors");
    }

    /// <summary>
    /// Asserts that bfloat16 autocast (the training precision option) and bfloat16 weights (the inference option) give
    /// finite sentence vectors close to float32 ones on a padded batch. Leaves the model in bfloat16.
    /// </summary>
    public static void AssertBFloat16StaysCloseToFloat32(TransformerModel model)
    {
        var sentences = Pairs(4).Select(e => e.Texts[0]).ToList();
        using var pooling = new PoolingModule(model.HiddenSize, PoolingMode.Mean);
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var reference = Embed(model, pooling, sentences);
        Tensor autocast;
        using (SentenceEmbeddings.Native.Autocast.BFloat16()) autocast = Embed(model, pooling, sentences);
        model.to(ScalarType.BFloat16);
        var weights = Embed(model, pooling, sentences);
        foreach (var (name, got) in new[] { ("autocast", autocast), ("bf16 weights", weights) })
        {
            Assert.IsTrue(got.isfinite().all().item<bool>(), $"{model.ModelType}, {name}: not finite");
            double worst = (got * reference).sum(1).min().item<float>(); // rows are unit length
            Assert.IsTrue(worst > 0.98, $"{model.ModelType}, {name}: lowest cosine to float32 {worst:F4}");
        }
    }

    /// <summary>Same shape and bit-identical values.</summary>
    public static bool Identical(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var same = a.eq(b).all();
        return same.item<bool>();
    }

    /// <summary>
    /// Asserts that a sentence's token vectors do not depend on the padding around it: alone, and padded in a batch
    /// with a longer sentence (pad-aware positions and masks).
    /// </summary>
    public static void AssertPaddingDoesNotChangeTokens(TransformerModel model)
    {
        const string shortText = "the cat is here", longText = "look, the old dog that we saw yesterday is still sitting by the river";
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var alone = TokenBatch.Pad(new[] { Tokenizer.Encode(shortText) }, Tokenizer.PadTokenId);
        var mixed = TokenBatch.Pad(new[] { Tokenizer.Encode(longText), Tokenizer.Encode(shortText) }, Tokenizer.PadTokenId);
        long n = alone.InputIds.shape[1];
        Assert.IsTrue(mixed.InputIds.shape[1] > n + 5, "the short sentence must get several pads");
        var single = model.forward(alone.InputIds, alone.TokenTypeIds, alone.AttentionMask)[0];                 // (n, H)
        var padded = model.forward(mixed.InputIds, mixed.TokenTypeIds, mixed.AttentionMask)[1, TensorIndex.Slice(0, n)]; // (n, H)
        double diff = (single - padded).abs().max().item<float>();
        Assert.IsTrue(diff < 1e-5, $"{model.ModelType}: padding changed the token vectors by {diff}");
    }
}
