using MLNet.SentenceEmbeddings.Modules;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Modeling;

/// <summary>
/// Proof by constructed equivalence, for architectures whose weights are not reachable here: all-MiniLM-L6-v2 (a BERT)
/// is rewritten into another architecture's layout and parameterisation so that it computes the same function, run
/// through that architecture on MiniLM's token ids, and compared with ONNX Runtime running MiniLM's own ONNX file.
/// </summary>
internal static class ConstructedEquivalence
{
    public const int SentenceCount = 1000;
    public const double MinCosine = 0.9999;
    private const int Layers = 6;
    private const int BatchSize = 32;

    private static readonly PretrainedModel MiniLm = PretrainedModels.AllMiniLmL6V2;

    private static readonly Lazy<Dictionary<string, NamedArray>> WeightsLazy = new(() =>
    {
        string path = Path.Combine(PretrainedModels.EnsureConverted(MiniLm), WeightFiles.SafeTensorsFile);
        return SafeTensors.Read(path);
    });

    private static readonly Lazy<(List<string?> Sentences, float[][] Expected)> ReferenceLazy = new(() =>
    {
        var sentences = Fixtures.StsbSentences(SentenceCount);
        using var onnx = new OnnxReferenceEncoder(MiniLm, threads: 2);
        return (sentences, onnx.Encode(sentences));
    });

    /// <summary>MiniLM's BERT weights by Hugging Face key (no prefix; pooler included).</summary>
    public static Dictionary<string, NamedArray> MiniLmWeights => WeightsLazy.Value;

    /// <summary>MiniLM's config with the keys renamed for <paramref name="modelType"/>; the caller adds the rest.</summary>
    private static JsonObject BertSizes(string modelType) => new()
    {
        ["model_type"] = modelType,
        ["vocab_size"] = MiniLm.Config.VocabSize,
        ["hidden_size"] = MiniLm.Config.HiddenSize,
        ["num_hidden_layers"] = MiniLm.Config.NumHiddenLayers,
        ["num_attention_heads"] = MiniLm.Config.NumAttentionHeads,
        ["intermediate_size"] = MiniLm.Config.IntermediateSize,
        ["hidden_act"] = MiniLm.Config.HiddenAct,
        ["layer_norm_eps"] = MiniLm.Config.LayerNormEps,
    };

    private static NamedArray Rename(string from, string to) => MiniLmWeights[from] with { Name = to };

    /// <summary>(rows, H) with row r = table[r] + extra (one row added to every row: folds a constant embedding in).</summary>
    private static float[] AddRow(NamedArray table, float[] extra)
    {
        int h = extra.Length;
        var data = (float[])table.Data.Clone();
        for (int i = 0; i < data.Length; i++) data[i] += extra[i % h];
        return data;
    }

    /// <summary>A position table whose rows start <paramref name="offset"/> rows later (rows before it are zero: only pads use them).</summary>
    private static NamedArray Shift(string name, float[] rows, int offset, int h)
    {
        var data = new float[rows.Length + offset * h];
        Array.Copy(rows, 0, data, offset * h, rows.Length);
        return new NamedArray(name, new long[] { rows.Length / h + offset, h }, data);
    }

    private static float[] TokenTypeRow0 => MiniLmWeights["embeddings.token_type_embeddings.weight"].Data[..MiniLm.Config.HiddenSize];

    /// <summary>DistilBERT: no token types, so token_type_embeddings[0] is folded into every position row.</summary>
    public static (JsonObject Config, Dictionary<string, NamedArray> Weights) DistilBert()
    {
        var c = MiniLm.Config;
        var config = new JsonObject
        {
            ["model_type"] = "distilbert", ["vocab_size"] = c.VocabSize, ["dim"] = c.HiddenSize, ["n_layers"] = c.NumHiddenLayers,
            ["n_heads"] = c.NumAttentionHeads, ["hidden_dim"] = c.IntermediateSize, ["activation"] = c.HiddenAct,
            ["max_position_embeddings"] = c.MaxPositionEmbeddings, ["sinusoidal_pos_embds"] = false, ["pad_token_id"] = 0,
        };
        const string p = "distilbert.";
        var w = new List<NamedArray>
        {
            Rename("embeddings.word_embeddings.weight", p + "embeddings.word_embeddings.weight"),
            Rename("embeddings.LayerNorm.weight", p + "embeddings.LayerNorm.weight"),
            Rename("embeddings.LayerNorm.bias", p + "embeddings.LayerNorm.bias"),
            MiniLmWeights["embeddings.position_embeddings.weight"] with
            {
                Name = p + "embeddings.position_embeddings.weight",
                Data = AddRow(MiniLmWeights["embeddings.position_embeddings.weight"], TokenTypeRow0),
            },
            // DistilBertForMaskedLM's head: present in such checkpoints, dropped by the key mapping.
            Rename("pooler.dense.weight", "vocab_transform.weight"),
        };
        for (int i = 0; i < Layers; i++)
        {
            string b = $"encoder.layer.{i}.", d = $"{p}transformer.layer.{i}.";
            foreach (var wb in new[] { "weight", "bias" })
            {
                w.Add(Rename($"{b}attention.self.query.{wb}", $"{d}attention.q_lin.{wb}"));
                w.Add(Rename($"{b}attention.self.key.{wb}", $"{d}attention.k_lin.{wb}"));
                w.Add(Rename($"{b}attention.self.value.{wb}", $"{d}attention.v_lin.{wb}"));
                w.Add(Rename($"{b}attention.output.dense.{wb}", $"{d}attention.out_lin.{wb}"));
                w.Add(Rename($"{b}attention.output.LayerNorm.{wb}", $"{d}sa_layer_norm.{wb}"));
                w.Add(Rename($"{b}intermediate.dense.{wb}", $"{d}ffn.lin1.{wb}"));
                w.Add(Rename($"{b}output.dense.{wb}", $"{d}ffn.lin2.{wb}"));
                w.Add(Rename($"{b}output.LayerNorm.{wb}", $"{d}output_layer_norm.{wb}"));
            }
        }
        return (config, w.ToDictionary(a => a.Name));
    }

    /// <summary>
    /// RoBERTa / XLM-RoBERTa: BERT's layer keys, a position table shifted by padding_idx + 1 rows (positions start
    /// there), and a one-row token type table holding MiniLM's row 0 (RoBERTa adds it to every token).
    /// </summary>
    public static (JsonObject Config, Dictionary<string, NamedArray> Weights) Roberta(string modelType, int padTokenId)
    {
        int h = MiniLm.Config.HiddenSize, offset = padTokenId + 1;
        var config = BertSizes(modelType);
        config["max_position_embeddings"] = MiniLm.Config.MaxPositionEmbeddings + offset;
        config["type_vocab_size"] = 1;
        config["pad_token_id"] = padTokenId;
        const string p = "roberta.";
        var w = new Dictionary<string, NamedArray>();
        foreach (var (key, array) in MiniLmWeights)
            if (!key.StartsWith("embeddings.position_embeddings", StringComparison.Ordinal) && !key.StartsWith("embeddings.token_type", StringComparison.Ordinal))
                w[p + key] = array with { Name = p + key }; // the pooler stays: the key mapping must drop it
        w[p + "embeddings.position_embeddings.weight"] =
            Shift(p + "embeddings.position_embeddings.weight", MiniLmWeights["embeddings.position_embeddings.weight"].Data, offset, h);
        w[p + "embeddings.token_type_embeddings.weight"] = new NamedArray(p + "embeddings.token_type_embeddings.weight", new long[] { 1, h }, TokenTypeRow0);
        return (config, w);
    }

    /// <summary>
    /// MPNet: RoBERTa-style positions (padding index 1, so shifted by 2 rows) with token type row 0 folded in (MPNet has
    /// no token types), q/k/v/o for query/key/value/attention.output.dense, and a zero relative position bias.
    /// </summary>
    public static (JsonObject Config, Dictionary<string, NamedArray> Weights) MPNet()
    {
        int h = MiniLm.Config.HiddenSize, offset = MPNetConfig.PaddingIdx + 1;
        var config = BertSizes("mpnet");
        config["max_position_embeddings"] = MiniLm.Config.MaxPositionEmbeddings + offset;
        config["relative_attention_num_buckets"] = 32;
        config["pad_token_id"] = 1;
        const string p = "mpnet.";
        var w = new List<NamedArray>
        {
            Rename("embeddings.word_embeddings.weight", p + "embeddings.word_embeddings.weight"),
            Rename("embeddings.LayerNorm.weight", p + "embeddings.LayerNorm.weight"),
            Rename("embeddings.LayerNorm.bias", p + "embeddings.LayerNorm.bias"),
            Shift(p + "embeddings.position_embeddings.weight",
                AddRow(MiniLmWeights["embeddings.position_embeddings.weight"], TokenTypeRow0), offset, h),
            new(p + "encoder.relative_attention_bias.weight", new long[] { 32, MiniLm.Config.NumAttentionHeads },
                new float[32 * MiniLm.Config.NumAttentionHeads]),
            Rename("pooler.dense.weight", p + "pooler.dense.weight"),
            Rename("pooler.dense.bias", p + "pooler.dense.bias"),
        };
        for (int i = 0; i < Layers; i++)
        {
            string b = $"encoder.layer.{i}.", m = $"{p}encoder.layer.{i}.";
            foreach (var wb in new[] { "weight", "bias" })
            {
                w.Add(Rename($"{b}attention.self.query.{wb}", $"{m}attention.attn.q.{wb}"));
                w.Add(Rename($"{b}attention.self.key.{wb}", $"{m}attention.attn.k.{wb}"));
                w.Add(Rename($"{b}attention.self.value.{wb}", $"{m}attention.attn.v.{wb}"));
                w.Add(Rename($"{b}attention.output.dense.{wb}", $"{m}attention.attn.o.{wb}"));
                w.Add(Rename($"{b}attention.output.LayerNorm.{wb}", $"{m}attention.LayerNorm.{wb}"));
                w.Add(Rename($"{b}intermediate.dense.{wb}", $"{m}intermediate.dense.{wb}"));
                w.Add(Rename($"{b}output.dense.{wb}", $"{m}output.dense.{wb}"));
                w.Add(Rename($"{b}output.LayerNorm.{wb}", $"{m}output.LayerNorm.{wb}"));
            }
        }
        return (config, w.ToDictionary(a => a.Name));
    }

    /// <summary>The model the factory builds for <paramref name="config"/>, loaded with <paramref name="weights"/> through its key mapping.</summary>
    public static TransformerModel Build(JsonObject config, Dictionary<string, NamedArray> weights)
    {
        var model = TransformerModels.Create(config, "constructed config.json");
        StateDict.Load(model, weights, "constructed checkpoint", model.MapCheckpointKey);
        return model;
    }

    /// <summary>
    /// Cosines between <paramref name="model"/>'s MEAN-pooled, normalised embeddings of 1,000 STSb sentences (batches of
    /// 32 in the file's order, so every batch mixes lengths and pads) and ONNX Runtime's on MiniLM's own ONNX file.
    /// </summary>
    public static double[] Cosines(TransformerModel model)
    {
        var (sentences, expected) = ReferenceLazy.Value;
        var tokenizer = SentenceTokenizer.FromVocab(PretrainedModels.ReadVocab(MiniLm), MiniLm.MaxSequenceLength, MiniLm.DoLowerCase, MiniLm.VocabResource);
        var inputs = sentences.Select(s => tokenizer.Encode(s)).ToList();
        using var pooling = new PoolingModule(model.HiddenSize, PoolingMode.Mean);
        model.eval();
        using var _ = no_grad();
        var cosines = new double[sentences.Count];
        int paddedBatches = 0;
        for (int start = 0; start < inputs.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = inputs.Skip(start).Take(BatchSize).ToList();
            if (batch.Select(i => i.Length).Distinct().Count() > 1) paddedBatches++;
            var tokens = TokenBatch.Pad(batch, tokenizer.PadTokenId);
            var pooled = nn.functional.normalize(pooling.Pool(model.forward(tokens.InputIds, tokens.TokenTypeIds, tokens.AttentionMask), tokens.AttentionMask), p: 2, dim: 1);
            var values = pooled.data<float>().ToArray();
            int h = model.HiddenSize;
            for (int r = 0; r < batch.Count; r++)
                cosines[start + r] = Fixtures.Cos(expected[start + r], values.AsSpan(r * h, h).ToArray());
        }
        Assert.IsTrue(paddedBatches > inputs.Count / BatchSize / 2, $"only {paddedBatches} batches mix lengths: padding is not exercised");
        return cosines;
    }

    /// <summary>Asserts the lowest cosine reaches <see cref="MinCosine"/> and prints min and mean (the figures of the report).</summary>
    public static void AssertEquivalent(string architecture, TransformerModel model)
    {
        var cosines = Cosines(model);
        double min = cosines.Min(), mean = cosines.Average();
        Console.WriteLine($"{architecture}: constructed-equivalence cosine to ONNX Runtime over {cosines.Length} STSb sentences: min {min:F7}, mean {mean:F7}");
        Assert.IsTrue(min >= MinCosine, $"{architecture}: lowest cosine to ONNX Runtime {min:F6} < {MinCosine} (sentence {Array.IndexOf(cosines, min)})");
    }
}
