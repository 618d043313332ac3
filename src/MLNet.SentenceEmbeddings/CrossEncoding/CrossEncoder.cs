using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Native;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// A BERT cross-encoder (SBERT Table 2's upper bound, Section 1's slow baseline): both sentences go through the
/// encoder together as "[CLS] a [SEP] b [SEP]" (token types 0 then 1) and a head on [CLS] (or on a pooling of the
/// pair's tokens, <see cref="CrossEncoderHead.Pooling"/>, or the cosine of each sentence's pooled tokens,
/// <see cref="CrossEncoderHead.CompareSegments"/>) outputs a score
/// (1 label, sigmoid) or class logits. Accurate, but n sentences need n(n-1)/2 forward passes to compare all pairs,
/// where the bi-encoder (<see cref="SentenceEncoder"/>) needs n.
/// </summary>
/// <example>
/// <code>
/// using var ce = CrossEncoder.Load("my-stsb-cross-encoder");            // a folder written by Save
/// float[] scores = ce.Predict(new[] { ("A man is eating.", "Someone eats.") });   // in [0, 1]
/// </code>
/// </example>
public sealed class CrossEncoder : IDisposable
{
    private readonly object _gate = new();
    private readonly EncoderOptions _options;
    private readonly SentenceTokenizer _pairTokenizer;
    private long _forwardPasses;
    private bool _disposed;

    static CrossEncoder() => TorchNativeLoader.EnsureLoaded();

    private CrossEncoder(TransformerModule transformer, CrossEncoderHead head, EncoderOptions options, string source, int separateLayers)
    {
        if (separateLayers != 0 && transformer.Model is not BertModel)
            throw new ArgumentException($"{source}: separateLayers needs a BERT encoder, not {transformer.Model.ModelType}.", nameof(separateLayers));
        if (separateLayers < 0 || separateLayers > transformer.Model.LayerCount)
            throw new ArgumentOutOfRangeException(nameof(separateLayers), separateLayers, $"expected 0 to the model's {transformer.Model.LayerCount} layers.");
        if (head.CrossSentenceGate is { } gate && (transformer.Model is not BertModel bert || gate.Layers != bert.LayerCount || gate.Heads != bert.Config.NumAttentionHeads))
            throw new ArgumentException($"{source}: a cross-sentence gate needs a BERT encoder and one bias per layer and head; got {transformer.Model.ModelType} " +
                                        $"with {transformer.Model.LayerCount} layers and a gate of {gate.Layers} x {gate.Heads}.", "crossSentenceGate");
        SeparateLayers = separateLayers;
        // Each sentence with its own special tokens and positions, as it is alone: what a gate closed or layers apart need.
        _pairTokenizer = separateLayers == 0 && head.CrossSentenceGate is null
            ? transformer.Tokenizer
            : transformer.Tokenizer.WithTemplate(transformer.Tokenizer.Template.WithPairAsTwoSingles());
        // The head finds the second sentence by its token type; RoBERTa's pair template gives both sentences type 0.
        if (head.CompareSegments && _pairTokenizer.Template.Pair.Where(p => p.IsSequence).Select(p => p.TypeId).Distinct().Count() < 2)
            throw new ArgumentException($"{source}: compareSegments tells the pair's sentences apart by token type, and this tokenizer's pair template gives both the same " +
                                        "type; expected a BERT-style template (second sentence type 1) or separateLayers > 0.", "compareSegments");
        Transformer = transformer;
        Head = head;
        _options = options;
        Source = source;
        Device = ModelSetup.Place(options, transformer.Model, transformer, head);
    }

    /// <summary>Validated options; ONNX Runtime (SentenceEncoderOptions.Backend, Precision.Int8) is for bi-encoders only.</summary>
    private static EncoderOptions CheckedOptions(EncoderOptions? options)
    {
        var checkedOptions = EncoderOptions.Checked(options);
        if (checkedOptions.RunsOnOnnxRuntime)
            throw new ArgumentException("Backend = OnnxRuntime: the cross-encoder runs on TorchSharp only (ONNX export covers bi-encoders).", "Backend");
        return checkedOptions;
    }

    /// <summary>
    /// Loads a cross-encoder folder (written by <see cref="Save(string)"/> or a Hugging Face BertForSequenceClassification
    /// folder), or starts one from an encoder ("default", "arctic-xs", or a sentence-transformers / BERT folder) with a
    /// new head of <paramref name="numLabels"/> outputs. The new head uses the checkpoint's BERT pooler when it has one
    /// (all-MiniLM-L6-v2 does), else puts the classifier straight on [CLS].
    /// </summary>
    /// <param name="modelNameOrPath">An embedded model's name or a folder.</param>
    /// <param name="numLabels">Outputs of a new head (1: a score); for a cross-encoder folder, null or its own count.</param>
    /// <param name="options">Batch size, sorting, precision, threads, device, maximum length.</param>
    /// <param name="seed">Seeds the new head's initial weights.</param>
    /// <param name="replaceHead">
    /// For a cross-encoder folder of another label count: keep its encoder and pooler and start a new classifier of
    /// <paramref name="numLabels"/> outputs (Hugging Face's ignore_mismatched_sizes), as the paper's BERT-NLI-STSb
    /// cross-encoder goes on from its NLI classifier to an STSb score (SBERT Table 2). False: a mismatch fails.
    /// </param>
    /// <param name="pooling">
    /// What a new head reads (<see cref="CrossEncoderHead.Pooling"/>); null: [CLS] for a new head, the folder's own for
    /// a cross-encoder folder. Another pooling than a folder's own needs <paramref name="replaceHead"/>.
    /// </param>
    /// <param name="compareSegments">
    /// A new head that scores the cosine of the two sentences' vectors (<see cref="CrossEncoderHead.CompareSegments"/>;
    /// <paramref name="pooling"/> defaults to mean for it); null: false for a new head, the folder's own for a
    /// cross-encoder folder. Another choice than a folder's own needs <paramref name="replaceHead"/>.
    /// </param>
    /// <param name="separateLayers">
    /// How many lower layers read each sentence alone (<see cref="SeparateLayers"/>); null: 0 for an encoder, the
    /// folder's own for a cross-encoder folder.
    /// </param>
    /// <param name="crossSentenceGate">
    /// Gives the model a <see cref="CrossSentenceGate"/> started at this bias (very negative: each sentence read alone;
    /// the pair laid out as with <paramref name="separateLayers"/>), kept by a folder that has one; null: none, or the
    /// folder's own. A BERT encoder only; a cross-encoder folder without a gate needs <paramref name="replaceHead"/>.
    /// </param>
    /// <exception cref="InvalidDataException">A file of the folder is missing or does not match; the message names it.</exception>
    public static CrossEncoder Load(string modelNameOrPath, int? numLabels = null, EncoderOptions? options = null, long seed = 42, bool replaceHead = false,
        PoolingMode? pooling = null, bool? compareSegments = null, int? separateLayers = null, double? crossSentenceGate = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelNameOrPath);
        options = CheckedOptions(options);
        return Load(new FolderFileSource(ModelLocator.Resolve(modelNameOrPath, options)), numLabels, options, seed, replaceHead, pooling, compareSegments, separateLayers,
            crossSentenceGate);
    }

    /// <summary>Loads from a model's files (see <see cref="Load(string, int?, EncoderOptions?, long, bool, PoolingMode?, bool?, int?, double?)"/>).</summary>
    public static CrossEncoder Load(IModelFileSource source, int? numLabels = null, EncoderOptions? options = null, long seed = 42, bool replaceHead = false,
        PoolingMode? pooling = null, bool? compareSegments = null, int? separateLayers = null, double? crossSentenceGate = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        options = CheckedOptions(options);
        string folder = CrossEncoderFolder.TransformerFolder(source);
        string config = source.Describe(ModelPath.Join(folder, TransformerModule.ConfigFile));
        var savedHead = CrossEncoderFolder.ReadHead(source, folder);
        int? saved = savedHead?.NumLabels;
        var savedPooling = savedHead?.Pooling ?? PoolingMode.Cls;
        bool savedCompare = savedHead?.CompareSegments ?? false;
        var weights = WeightFiles.Read(source, folder);
        var (encoderWeights, headWeights) = CrossEncoderFolder.Split(weights);
        bool savedGate = headWeights.ContainsKey(CrossEncoderFolder.GateBiasKey);
        if (saved is int s)
        {
            // Each setting asked for that the saved head does not have, named as the parameter that asked for it.
            var differs = new List<(string Parameter, string Saved, string Asked)>();
            if (numLabels is int n && n != s) differs.Add((nameof(numLabels), $"{s}", $"{n}"));
            if (pooling is { } p && p != savedPooling) differs.Add((nameof(pooling), PoolingModes.ToName(savedPooling), PoolingModes.ToName(p)));
            if (compareSegments is bool c && c != savedCompare) differs.Add((nameof(compareSegments), $"{savedCompare}", $"{c}"));
            if (crossSentenceGate is double g && !savedGate) differs.Add((nameof(crossSentenceGate), "none", g.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (differs.Count > 0)
            {
                if (!replaceHead)
                    throw new ArgumentException($"{config}: the saved cross-encoder has " + string.Join("; ", differs.Select(d => $"{d.Parameter} {d.Saved}, not {d.Asked}")) +
                                                " (replaceHead: true starts a new classifier on its encoder).", differs[0].Parameter);
                saved = null;
            }
        }
        bool headCompare = saved is null ? compareSegments ?? false : savedCompare;
        var headPooling = saved is null ? pooling ?? (headCompare ? PoolingMode.Mean : PoolingMode.Cls) : savedPooling;
        // A folder's gate is kept (its values load below); the start value only fills a gate the folder lacks.
        double? gateStart = crossSentenceGate ?? (savedGate ? 0 : null);
        torch.manual_seed(seed);
        var transformer = TransformerModule.Load(source, folder, options.MaxSequenceLength, encoderWeights);
        // BERT's pooler reads [CLS]: a head of another pooling leaves the checkpoint's pooler out.
        bool pooler = headPooling == PoolingMode.Cls && CrossEncoderFolder.HasPooler(weights);
        CrossEncoderHead head;
        try
        {
            CrossSentenceGate? gate = null;
            if (gateStart is double g)
            {
                if (transformer.Model is not BertModel bert)
                    throw new ArgumentException($"{config}: a cross-sentence gate needs a BERT encoder, not {transformer.Model.ModelType}.", nameof(crossSentenceGate));
                gate = new CrossSentenceGate(bert.LayerCount, bert.Config.NumAttentionHeads, g);
            }
            head = new CrossEncoderHead(transformer.Model.HiddenSize, saved ?? numLabels ?? 1, pooler, transformer.Model.HiddenDropout, headPooling, headCompare, gate);
        }
        catch { transformer.Dispose(); throw; }
        try
        {
            if (saved is null) // a new head: take the checkpoint's pooler (if it reads [CLS]) and gate (if the head has one), keep the fresh classifier
            {
                if (!pooler) foreach (var key in headWeights.Keys.Where(k => k.StartsWith("dense.", StringComparison.Ordinal)).ToList()) headWeights.Remove(key);
                if (head.CrossSentenceGate is null) headWeights.Remove(CrossEncoderFolder.GateBiasKey);
                foreach (var a in StateDict.Export(head).Where(a => a.Name.StartsWith("classifier.", StringComparison.Ordinal) || !headWeights.ContainsKey(a.Name))) headWeights[a.Name] = a;
            }
            StateDict.Load(head, headWeights, source.Describe(folder.Length == 0 ? "." : folder));
        }
        catch { transformer.Dispose(); head.Dispose(); throw; }
        try
        {
            int separate = separateLayers ?? (saved is null ? 0 : savedHead!.SeparateLayers);
            if (separateLayers is null && separate > transformer.Model.LayerCount)
                throw new InvalidDataException($"{config}: '{CrossEncoderFolder.SeparateLayersKey}' is {separate}; expected 0 to the model's {transformer.Model.LayerCount} layers");
            return new CrossEncoder(transformer, head, options, source.Describe(""), separate);
        }
        catch { transformer.Dispose(); head.Dispose(); throw; }
    }

    /// <summary>A randomly initialised cross-encoder (tests, training from scratch); <paramref name="seed"/> fixes the weights.</summary>
    public static CrossEncoder CreateRandom(BertConfig config, string vocabText, int numLabels = 1, bool pooler = true, int maxSequenceLength = 128,
        bool doLowerCase = true, long seed = 42, EncoderOptions? options = null, PoolingMode pooling = PoolingMode.Cls, bool compareSegments = false,
        int separateLayers = 0, double? crossSentenceGate = null)
    {
        options = CheckedOptions(options);
        config.Validate("config");
        torch.manual_seed(seed);
        var wordPiece = WordPieceTokenizer.FromVocab(vocabText, doLowerCase, "vocab");
        var model = new BertModel(config with { VocabSize = wordPiece.VocabSize });
        int max = options.MaxSequenceLength ?? maxSequenceLength;
        var transformer = new TransformerModule(model, TokenizerFolder.ForWordPiece(wordPiece, max), max);
        CrossEncoderHead head;
        try
        {
            var gate = crossSentenceGate is double g ? new CrossSentenceGate(config.NumHiddenLayers, config.NumAttentionHeads, g) : null;
            head = new CrossEncoderHead(config.HiddenSize, numLabels, pooler, config.HiddenDropoutProb, pooling, compareSegments, gate);
        }
        catch { transformer.Dispose(); throw; }
        try { return new CrossEncoder(transformer, head, options, "random", separateLayers); }
        catch { transformer.Dispose(); head.Dispose(); throw; }
    }

    /// <summary>The transformer body and its tokenizer.</summary>
    public TransformerModule Transformer { get; }
    public TransformerModel Model => Transformer.Model;
    public CrossEncoderHead Head { get; }
    public SentenceTokenizer Tokenizer => Transformer.Tokenizer;
    public Device Device { get; }
    public string Source { get; }
    public EncoderOptions Options => _options.Clone();

    /// <summary>
    /// How many lower layers read each sentence of the pair alone before the layers above read both (late interaction,
    /// <see cref="BertModel.EncodeSentencesApart"/>); 0: every layer reads the pair, as BERT's cross-encoder does.
    /// </summary>
    public int SeparateLayers { get; }

    /// <summary>
    /// A pair as this model reads it: BERT's "[CLS] a [SEP] b [SEP]", or with <see cref="SeparateLayers"/> each sentence
    /// as it is alone, "[CLS] a [SEP] [CLS] b [SEP]" (<see cref="SpecialTokenTemplate.WithPairAsTwoSingles"/>).
    /// </summary>
    public TokenizedInput TokenizePair(string? first, string? second) => Transformer.LowercaseInput
        ? _pairTokenizer.EncodePair(first?.ToLowerInvariant(), second?.ToLowerInvariant())
        : _pairTokenizer.EncodePair(first, second);

    /// <summary>1: <see cref="Predict"/> returns a score in [0, 1]; k &gt; 1: <see cref="PredictProbabilities"/> returns k class probabilities.</summary>
    public int NumLabels => Head.NumLabels;

    /// <summary>Forward passes run so far (one per batch).</summary>
    public long ForwardPasses => Interlocked.Read(ref _forwardPasses);

    /// <summary>Scores pairs (one-label models): sigmoid of the logit, in [0, 1]. Batched, length-sorted, order kept.</summary>
    /// <exception cref="InvalidOperationException">The model has several labels; use <see cref="PredictProbabilities"/>.</exception>
    public float[] Predict(IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken = default)
    {
        if (NumLabels != 1)
            throw new InvalidOperationException($"This cross-encoder has {NumLabels} labels; Predict returns one score per pair, use PredictProbabilities.");
        var logits = PredictLogits(pairs, cancellationToken);
        return logits.Select(l => 1f / (1f + MathF.Exp(-l[0]))).ToArray();
    }

    /// <summary>
    /// Scores pairs of a symmetric task (similarity, paraphrase) as the mean of <see cref="Predict"/> on (a, b) and on
    /// (b, a): the model reads "a [SEP] b" and "b [SEP] a" as two inputs and scores them apart, while the task's
    /// answer does not depend on the order. Twice the forward passes of <see cref="Predict"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has several labels.</exception>
    public float[] PredictSymmetric(IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        // One call over both orders, so that length-sorted batches fill as they would for 2n pairs.
        var both = Predict(pairs.Concat(pairs.Select(p => (p.Second, p.First))).ToList(), cancellationToken);
        var scores = new float[pairs.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = (both[i] + both[scores.Length + i]) / 2;
        return scores;
    }

    /// <summary>Class probabilities (softmax of the logits) per pair; a one-label model gives [sigmoid].</summary>
    public float[][] PredictProbabilities(IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken = default)
    {
        var logits = PredictLogits(pairs, cancellationToken);
        if (NumLabels == 1) return logits.Select(l => new[] { 1f / (1f + MathF.Exp(-l[0])) }).ToArray();
        foreach (var row in logits)
        {
            float max = row.Max(), sum = 0;
            for (int i = 0; i < row.Length; i++) sum += row[i] = MathF.Exp(row[i] - max);
            for (int i = 0; i < row.Length; i++) row[i] /= sum;
        }
        return logits;
    }

    /// <summary>Raw head outputs, one row of <see cref="NumLabels"/> per pair.</summary>
    public float[][] PredictLogits(IReadOnlyList<(string? First, string? Second)> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var inputs = pairs.Select(p => TokenizePair(p.First, p.Second)).ToList();
        int truncated = inputs.Count(i => i.Truncated);
        if (truncated > 0) _options.Log?.Invoke($"{truncated} of {inputs.Count} pair(s) truncated to {Tokenizer.MaxSequenceLength} tokens");
        var flat = new float[(long)pairs.Count * NumLabels];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            BatchedInference.Run(inputs, NumLabels, _options, Tokenizer.PadTokenId, Device, Forward, flat, cancellationToken);
        }
        var result = new float[pairs.Count][];
        for (int i = 0; i < result.Length; i++) result[i] = flat.AsSpan(i * NumLabels, NumLabels).ToArray();
        return result;
    }

    /// <summary>The differentiable path used by training: (B, T) pair tokens -> (B, <see cref="NumLabels"/>) logits.</summary>
    public Tensor Forward(TokenBatch batch)
    {
        using var hidden = Encode(batch);
        return Head.forward(hidden, batch.AttentionMask, batch.TokenTypeIds);
    }

    /// <summary>(B, T, H) last hidden states of the pair tokens, under the layers apart and gate the head names.</summary>
    internal Tensor Encode(TokenBatch batch)
    {
        Interlocked.Increment(ref _forwardPasses);
        using var gate = Head.CrossSentenceGate?.Bias;
        return SeparateLayers == 0 && gate is null
            ? Model.forward(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask)
            : ((BertModel)Model).EncodeSentencesApart(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask, SeparateLayers, gate);
    }

    /// <summary>
    /// Writes a Hugging Face BertForSequenceClassification folder (loadable by <see cref="Load(string, int?, EncoderOptions?, long, bool, PoolingMode?, bool?, int?, double?)"/>
    /// and, for a [CLS] head, sentence-transformers' CrossEncoder; a head of another pooling, or one comparing the two
    /// sentences, or lower layers reading each sentence alone, is named in config.json, and a cross-sentence gate's biases
    /// sit in the weights file under their own key; Hugging Face's loaders read neither: they would find no pooler weights
    /// and start one at random, or read the pair without the gate), whole or not at all.
    /// </summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        IO.AtomicDirectory.Write(folder, temp => Save(new FolderFileSink(temp)));
    }

    /// <summary>Writes the folder's files through <paramref name="sink"/>.</summary>
    public void Save(IModelFileSink sink)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CrossEncoderFolder.Write(sink, Transformer, StateDict.Export(Head), NumLabels, Head.Pooling, Head.CompareSegments, SeparateLayers);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Transformer.Dispose();
            Head.Dispose();
        }
    }
}
