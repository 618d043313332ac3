using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Pooling;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// Turns (B, T, H) token vectors and the attention mask into (B, k*H) sentence vectors, k = number of modes
/// (SBERT Section 3: MEAN by default; CLS and MAX compared in Table 6). Padding never takes part, so the result does
/// not depend on how sentences were batched. Runs in float32 even when the encoder runs in bf16.
/// </summary>
public sealed class PoolingModule : SentenceModule
{
    public const string Type = "sentence_transformers.models.Pooling";
    private const string ConfigFile = "config.json";

    /// <param name="wordEmbeddingDimension">Width H of the token vectors.</param>
    /// <param name="mode">One or more modes; several are concatenated.</param>
    /// <param name="includePrompt">Whether prompt tokens take part (sentence-transformers' include_prompt).</param>
    public PoolingModule(int wordEmbeddingDimension, PoolingMode mode, bool includePrompt = true) : base(nameof(PoolingModule))
    {
        if (mode == 0) throw new ArgumentException("At least one pooling mode is required.", nameof(mode));
        if (wordEmbeddingDimension < 1) throw new ArgumentOutOfRangeException(nameof(wordEmbeddingDimension), wordEmbeddingDimension, "must be positive.");
        WordEmbeddingDimension = wordEmbeddingDimension;
        Mode = mode;
        IncludePrompt = includePrompt;
    }

    public override string TypeName => Type;
    public int WordEmbeddingDimension { get; }
    public PoolingMode Mode { get; }
    public bool IncludePrompt { get; }

    /// <summary>Width of the sentence vector: the word-embedding width times the number of modes.</summary>
    public int SentenceEmbeddingDimension => WordEmbeddingDimension * PoolingModes.Parts(Mode).Count();

    public override int OutputDimension(int inputDimension) => SentenceEmbeddingDimension;

    /// <summary>The same pooling with other modes.</summary>
    public PoolingModule WithMode(PoolingMode mode) => new(WordEmbeddingDimension, mode, IncludePrompt);

    public override SentenceFeatures forward(SentenceFeatures features)
    {
        var tokens = features.TokenEmbeddings ?? throw new InvalidOperationException("Pooling needs token embeddings: put a Transformer module before it.");
        features.SentenceEmbedding = Pool(tokens, features.Tokens.AttentionMask, IncludePrompt ? 0 : features.PromptLength);
        return features;
    }

    /// <param name="tokens">(B, T, H) token vectors.</param>
    /// <param name="attentionMask">(B, T), 1 for real tokens.</param>
    /// <param name="skipLeading">Leading positions left out (a prompt).</param>
    /// <returns>(B, k*H) float32.</returns>
    public Tensor Pool(Tensor tokens, Tensor attentionMask, int skipLeading = 0)
    {
        using var scope = NewDisposeScope();
        var x = tokens.to_type(ScalarType.Float32);
        var m = attentionMask.to_type(ScalarType.Float32);
        if (skipLeading > 0) m = m.index_fill(1, arange(Math.Min(skipLeading, m.shape[1]), device: m.device), 0); // (B, T)
        var mask = m.unsqueeze(-1); // (B, T, 1)
        var parts = new List<Tensor>();
        foreach (var mode in PoolingModes.Parts(Mode))
        {
            parts.Add(mode switch
            {
                PoolingMode.Cls => x[.., 0, ..],
                // Padding positions get the lowest value so they never win the max.
                PoolingMode.Max => x.masked_fill(mask.eq(0), float.MinValue).amax(new long[] { 1 }),
                PoolingMode.Mean => (x * mask).sum(1) / mask.sum(1).clamp_min(1e-9),
                PoolingMode.MeanSqrtLen => (x * mask).sum(1) / mask.sum(1).clamp_min(1e-9).sqrt(),
                PoolingMode.WeightedMean => WeightedMean(x, mask),
                _ => LastToken(x, m),
            });
        }
        var pooled = parts.Count == 1 ? parts[0] : cat(parts, 1);
        return pooled.MoveToOuterDisposeScope();
    }

    private static Tensor WeightedMean(Tensor x, Tensor mask)
    {
        var weights = arange(1, x.shape[1] + 1, dtype: ScalarType.Float32, device: x.device).view(1, -1, 1) * mask; // (B, T, 1)
        return (x * weights).sum(1) / weights.sum(1).clamp_min(1e-9);
    }

    private static Tensor LastToken(Tensor x, Tensor m)
    {
        // The last position whose mask is 1 (0 when none), whatever the padding side.
        var positions = arange(x.shape[1], dtype: ScalarType.Float32, device: x.device).unsqueeze(0); // (1, T)
        var last = (m * positions).amax(new long[] { 1 }).to_type(ScalarType.Int64); // (B)
        return x.gather(1, last.view(-1, 1, 1).expand(-1, 1, x.shape[2])).squeeze(1);
    }

    public override void Save(IModelFileSink sink, string folder)
    {
        // The legacy boolean keys: what every sentence-transformers version reads; Load also accepts "pooling_mode".
        JsonConfigFile.Write(sink, ModelPath.Join(folder, ConfigFile), new JsonObject
        {
            ["word_embedding_dimension"] = WordEmbeddingDimension,
            ["pooling_mode_cls_token"] = Mode.HasFlag(PoolingMode.Cls),
            ["pooling_mode_mean_tokens"] = Mode.HasFlag(PoolingMode.Mean),
            ["pooling_mode_max_tokens"] = Mode.HasFlag(PoolingMode.Max),
            ["pooling_mode_mean_sqrt_len_tokens"] = Mode.HasFlag(PoolingMode.MeanSqrtLen),
            ["pooling_mode_weightedmean_tokens"] = Mode.HasFlag(PoolingMode.WeightedMean),
            ["pooling_mode_lasttoken"] = Mode.HasFlag(PoolingMode.LastToken),
            ["include_prompt"] = IncludePrompt,
        });
    }

    /// <summary>Reads <c>{folder}/config.json</c>; its dimension must equal <paramref name="wordEmbeddingDimension"/>.</summary>
    /// <exception cref="InvalidDataException">Missing or inconsistent config; the message names the file.</exception>
    public static PoolingModule Load(IModelFileSource source, string folder, int wordEmbeddingDimension)
    {
        string path = ModelPath.Join(folder, ConfigFile);
        if (!source.Exists(path))
            throw new InvalidDataException($"{source.Describe(path)}: missing; modules.json lists a Pooling module here, and its config says which pooling (a missing one is never taken as MEAN).");
        var json = JsonConfigFile.Read(source, path);
        int? dim = json.GetInt32("embedding_dimension", 1) ?? json.GetInt32("word_embedding_dimension", 1);
        if (dim is int d && d != wordEmbeddingDimension)
            throw new InvalidDataException($"{json.Path}: embedding dimension {d}, but the module before it outputs {wordEmbeddingDimension}.");
        PoolingMode mode = 0;
        if (json.Object["pooling_mode"] is JsonNode v6)
        {
            // Newer form: a string ("mean") or a list of strings (["cls", "mean"]).
            try
            {
                var names = v6 is JsonArray arr ? arr.Select(x => x?.GetValue<string>() ?? "") : new[] { v6.GetValue<string>() };
                mode = PoolingModes.Parse(string.Join("+", names));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            { throw new InvalidDataException($"{json.Path}: pooling_mode {v6.ToJsonString()}: {e.Message}", e); }
        }
        else
        {
            foreach (var (key, flag) in new[]
                     {
                         ("pooling_mode_cls_token", PoolingMode.Cls), ("pooling_mode_max_tokens", PoolingMode.Max),
                         ("pooling_mode_mean_tokens", PoolingMode.Mean), ("pooling_mode_mean_sqrt_len_tokens", PoolingMode.MeanSqrtLen),
                         ("pooling_mode_weightedmean_tokens", PoolingMode.WeightedMean), ("pooling_mode_lasttoken", PoolingMode.LastToken),
                     })
                if (json.GetBoolean(key) == true) mode |= flag;
        }
        if (mode == 0) throw new InvalidDataException($"{json.Path}: no pooling mode enabled; expected pooling_mode or a pooling_mode_* flag set to true.");
        return new PoolingModule(wordEmbeddingDimension, mode, json.GetBoolean("include_prompt") ?? true);
    }
}
