using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// The first module of every sentence encoder: a Hugging Face transformer body and its tokenizer. Its folder holds
/// config.json, the tokenizer files, the weights and sentence_bert_config.json (max_seq_length, do_lower_case).
/// </summary>
public sealed class TransformerModule : SentenceModule
{
    public const string Type = "sentence_transformers.models.Transformer";
    public const string ConfigFile = "config.json";
    public const string SentenceBertConfigFile = "sentence_bert_config.json";

#pragma warning disable IDE1006 // sentence-transformers' attribute name for the body
    private readonly TransformerModel auto_model;
#pragma warning restore IDE1006

    /// <param name="model">The transformer body (its weights already loaded).</param>
    /// <param name="tokenizer">Its tokenizer and files.</param>
    /// <param name="maxSequenceLength">Longest input in tokens, special tokens included; at most the model's.</param>
    /// <param name="lowercaseInput">sentence-transformers' own do_lower_case: lower-cases text before the tokenizer.</param>
    /// <param name="extraWeights">Checkpoint tensors the body does not use (BERT's pooler): kept and written back on save, so a
    /// saved folder holds what it was loaded from (a cross-encoder started from it reuses the pooler).</param>
    /// <param name="outputHiddenStates">Whether forward also lists every layer's output (config.json's output_hidden_states).</param>
    public TransformerModule(TransformerModel model, TokenizerFolder tokenizer, int maxSequenceLength, bool lowercaseInput = false,
        IReadOnlyDictionary<string, NamedArray>? extraWeights = null, bool outputHiddenStates = false)
        : base(nameof(TransformerModule))
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (maxSequenceLength > model.MaxSequenceLength)
            throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSequenceLength,
                $"max_seq_length exceeds what the model's position table allows ({model.MaxSequenceLength}).");
        if (tokenizer.Subwords.VocabSize > model.VocabSize)
            throw new ArgumentException($"The tokenizer has {tokenizer.Subwords.VocabSize} tokens but the model's vocab_size is {model.VocabSize}.", nameof(tokenizer));
        auto_model = model;
        TokenizerFiles = tokenizer;
        Tokenizer = tokenizer.Create(maxSequenceLength);
        LowercaseInput = lowercaseInput;
        ExtraWeights = extraWeights ?? new Dictionary<string, NamedArray>();
        OutputHiddenStates = outputHiddenStates;
        RegisterComponents();
    }

    public override string TypeName => Type;
    public TransformerModel Model => auto_model;
    public SentenceTokenizer Tokenizer { get; }
    public TokenizerFolder TokenizerFiles { get; }
    public bool LowercaseInput { get; }

    /// <summary>Checkpoint tensors the body does not use, by key without the model prefix ("pooler.dense.weight").</summary>
    public IReadOnlyDictionary<string, NamedArray> ExtraWeights { get; }
    public int MaxSequenceLength => Tokenizer.MaxSequenceLength;

    /// <summary>
    /// Whether forward sets <see cref="SentenceFeatures.AllLayerEmbeddings"/> (Hugging Face's output_hidden_states, which
    /// sentence-transformers reads from config.json), as a <see cref="WeightedLayerPoolingModule"/> after it needs.
    /// </summary>
    public bool OutputHiddenStates { get; }

    public override int OutputDimension(int inputDimension) => auto_model.HiddenSize;

    /// <summary>The same module (shared weights) with another maximum length.</summary>
    public TransformerModule WithMaxSequenceLength(int maxSequenceLength) => new(auto_model, TokenizerFiles, maxSequenceLength, LowercaseInput, ExtraWeights, OutputHiddenStates);

    /// <summary>The same module (shared weights), listing every layer's output or not.</summary>
    public TransformerModule WithHiddenStates(bool outputHiddenStates) => new(auto_model, TokenizerFiles, MaxSequenceLength, LowercaseInput, ExtraWeights, outputHiddenStates);

    /// <summary>One sentence as the model's tokens (lower-cased first when <see cref="LowercaseInput"/>).</summary>
    public TokenizedInput Tokenize(string? text) => Tokenizer.Encode(LowercaseInput ? text?.ToLowerInvariant() : text);

    /// <summary>A pair as the model's tokens (the cross-encoder input).</summary>
    public TokenizedInput TokenizePair(string? a, string? b) =>
        LowercaseInput ? Tokenizer.EncodePair(a?.ToLowerInvariant(), b?.ToLowerInvariant()) : Tokenizer.EncodePair(a, b);

    public override SentenceFeatures forward(SentenceFeatures features)
    {
        var t = features.Tokens;
        if (!OutputHiddenStates)
        {
            features.TokenEmbeddings = auto_model.forward(t.InputIds, t.TokenTypeIds, t.AttentionMask);
            return features;
        }
        var states = auto_model.HiddenStates(t.InputIds, t.TokenTypeIds, t.AttentionMask);
        features.AllLayerEmbeddings = states;
        features.TokenEmbeddings = states[^1];
        return features;
    }

    public override void Save(IModelFileSink sink, string folder) => SaveWith(sink, folder, weights: null, extraConfig: null, sentenceBertConfig: true);

    /// <summary>
    /// Writes config.json, the tokenizer files, the weights and sentence_bert_config.json. <paramref name="weights"/>
    /// (default: the body's) and <paramref name="extraConfig"/> let a cross-encoder add its head.
    /// </summary>
    internal void SaveWith(IModelFileSink sink, string folder, NamedArray[]? weights, JsonObject? extraConfig, bool sentenceBertConfig)
    {
        var config = auto_model.ToConfigJson();
        if (OutputHiddenStates) config["output_hidden_states"] = true;
        if (extraConfig is not null) foreach (var (k, v) in extraConfig) config[k] = v?.DeepClone();
        JsonConfigFile.Write(sink, ModelPath.Join(folder, ConfigFile), config);
        TokenizerFiles.Save(sink, folder);
        var tensors = weights ?? StateDict.Export(auto_model).Concat(ExtraWeights.Values).ToArray();
        sink.Write(ModelPath.Join(folder, WeightFiles.SafeTensorsFile),
            s => SafeTensors.Write(s, tensors, new Dictionary<string, string> { ["format"] = "pt" }));
        if (!sentenceBertConfig) return;
        JsonConfigFile.Write(sink, ModelPath.Join(folder, SentenceBertConfigFile), new JsonObject
        {
            ["max_seq_length"] = MaxSequenceLength,
            ["do_lower_case"] = LowercaseInput,
        });
    }

    /// <summary>The float tensors of <paramref name="checkpoint"/> that <paramref name="model"/> leaves unused, keyed without its prefix.</summary>
    public static Dictionary<string, NamedArray> Unused(TransformerModel model, IReadOnlyDictionary<string, NamedArray> checkpoint)
    {
        var extra = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var (key, value) in checkpoint)
        {
            if (model.MapCheckpointKey(key) is not null || key.EndsWith("position_ids", StringComparison.Ordinal)) continue;
            string name = key.StartsWith(model.CheckpointPrefix, StringComparison.Ordinal) ? key[model.CheckpointPrefix.Length..] : key;
            extra[name] = value with { Name = name };
        }
        return extra;
    }

    /// <summary>Reads the module folder <paramref name="folder"/> of <paramref name="source"/>.</summary>
    /// <param name="source">The model's files.</param>
    /// <param name="folder">The module's folder ("" for the root, "0_Transformer" in older sentence-transformers folders).</param>
    /// <param name="maxSequenceLength">Overrides max_seq_length; null keeps the folder's.</param>
    /// <param name="weights">The checkpoint when the caller already read it (a cross-encoder splits off its head); null reads it.</param>
    /// <exception cref="InvalidDataException">A file is missing or does not match; the message names it.</exception>
    public static TransformerModule Load(IModelFileSource source, string folder, int? maxSequenceLength = null,
        IReadOnlyDictionary<string, NamedArray>? weights = null)
    {
        var config = JsonConfigFile.Read(source, ModelPath.Join(folder, ConfigFile));
        var tokenizer = TokenizerFolder.Read(source, folder);
        var st = JsonConfigFile.TryRead(source, ModelPath.Join(folder, SentenceBertConfigFile));
        var checkpoint = weights ?? WeightFiles.Read(source, folder);
        // A hostile config.json must not allocate a model far larger than the weights that came with it.
        if (TransformerModels.IsBert(config.Object, config.Path))
            BertParameterCount.CheckAgainst(BertConfig.FromJson(config.Object, config.Path), checkpoint, source.Describe(ModelPath.Join(folder, WeightFiles.SafeTensorsFile)));
        var model = TransformerModels.Create(config.Object, config.Path);
        try
        {
            StateDict.Load(model, checkpoint, source.Describe(ModelPath.Join(folder, WeightFiles.SafeTensorsFile)), model.MapCheckpointKey);
            int limit = model.MaxSequenceLength;
            // sentence-transformers: max_seq_length if declared (it may be null), else the smaller of the tokenizer's
            // model_max_length (1e30 means none) and the position table.
            int? declared = st?.GetInt32("max_seq_length", 1, int.MaxValue);
            if (declared > limit)
                throw new InvalidDataException($"{st!.Path}: max_seq_length {declared} exceeds what {config.Path} allows ({limit} positions).");
            int maxSeq = maxSequenceLength ?? declared ?? (int)Math.Min(limit, tokenizer.ModelMaxLength ?? long.MaxValue);
            if (maxSeq > limit)
                throw new ArgumentOutOfRangeException(nameof(maxSequenceLength), maxSeq, $"MaxSequenceLength exceeds what {config.Path} allows ({limit} positions).");
            if (tokenizer.Subwords.VocabSize > model.VocabSize)
                throw new InvalidDataException($"{tokenizer.Source}: {tokenizer.Subwords.VocabSize} tokens, but {config.Path} says vocab_size = {model.VocabSize}.");
            return new TransformerModule(model, tokenizer, maxSeq, st?.GetBoolean("do_lower_case") ?? false, Unused(model, checkpoint),
                config.GetBoolean("output_hidden_states") ?? false);
        }
        catch { model.Dispose(); throw; }
    }
}
