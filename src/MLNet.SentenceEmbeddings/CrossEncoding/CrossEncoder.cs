using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Native;
using MLNet.SentenceEmbeddings.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.CrossEncoding;

/// <summary>
/// A BERT cross-encoder (SBERT Table 2's upper bound, Section 1's slow baseline): both sentences go through the
/// encoder together as "[CLS] a [SEP] b [SEP]" (token types 0 then 1) and a head on [CLS] outputs a score
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
    private readonly SentenceEncoderOptions _options;
    private long _forwardPasses;
    private bool _disposed;

    static CrossEncoder() => TorchNativeLoader.EnsureLoaded();

    private CrossEncoder(BertModel model, CrossEncoderHead head, SentenceTokenizer tokenizer, SentenceEncoderOptions options, string source)
    {
        Model = model;
        Head = head;
        Tokenizer = tokenizer;
        _options = options;
        Source = source;
        Device = ModelSetup.Place(options, model, head);
    }

    /// <summary>
    /// Loads a cross-encoder folder (written by <see cref="Save"/> or a Hugging Face BertForSequenceClassification
    /// folder), or starts one from an encoder ("default", "arctic-xs", or a sentence-transformers / BERT folder) with a
    /// new head of <paramref name="numLabels"/> outputs. The new head uses the checkpoint's BERT pooler when it has one
    /// (all-MiniLM-L6-v2 does), else puts the classifier straight on [CLS].
    /// </summary>
    /// <param name="modelNameOrPath">An embedded model's name or a folder.</param>
    /// <param name="numLabels">Outputs of a new head (1: a score); for a cross-encoder folder, null or its own count.</param>
    /// <param name="options">Batch size, sorting, precision, threads, device, maximum length (Pooling/Normalize are ignored).</param>
    /// <param name="seed">Seeds the new head's initial weights.</param>
    /// <exception cref="InvalidDataException">A file of the folder is missing or does not match; the message names it.</exception>
    public static CrossEncoder Load(string modelNameOrPath, int? numLabels = null, SentenceEncoderOptions? options = null, long seed = 42)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelNameOrPath);
        options = (options ?? new SentenceEncoderOptions()).Clone().Validate();
        string folder = SentenceEncoder.ResolveFolder(modelNameOrPath, options.Log);
        var d = ModelFolder.Read(folder);
        int? saved = CrossEncoderFolder.ReadNumLabels(folder);
        if (saved is int s && numLabels is int n && n != s)
            throw new ArgumentException($"{Path.Combine(folder, ModelFolder.ConfigFile)}: the cross-encoder has {s} label(s), not {n}.", nameof(numLabels));
        var tokenizer = ModelSetup.Tokenizer(d, options);
        var (encoderWeights, headWeights) = CrossEncoderFolder.Split(d.Weights);
        torch.manual_seed(seed);
        var model = new BertModel(d.Config);
        var head = new CrossEncoderHead(d.Config.HiddenSize, saved ?? numLabels ?? 1, CrossEncoderFolder.HasPooler(d.Weights), d.Config.HiddenDropoutProb);
        try
        {
            StateDict.Load(model, encoderWeights, d.Source, model.MapCheckpointKey);
            if (saved is null) // a new head: take the checkpoint's pooler, keep the fresh classifier
                foreach (var a in StateDict.Export(head).Where(a => a.Name.StartsWith("classifier.", StringComparison.Ordinal))) headWeights[a.Name] = a;
            StateDict.Load(head, headWeights, d.Source);
        }
        catch { model.Dispose(); head.Dispose(); throw; }
        return new CrossEncoder(model, head, tokenizer, options, d.Source);
    }

    /// <summary>A randomly initialised cross-encoder (tests, training from scratch); <paramref name="seed"/> fixes the weights.</summary>
    public static CrossEncoder CreateRandom(BertConfig config, string vocabText, int numLabels = 1, bool pooler = true, int maxSequenceLength = 128,
        bool doLowerCase = true, long seed = 42, SentenceEncoderOptions? options = null)
    {
        options = (options ?? new SentenceEncoderOptions()).Clone().Validate();
        config.Validate("config");
        torch.manual_seed(seed);
        var tokenizer = SentenceTokenizer.FromVocab(vocabText, options.MaxSequenceLength ?? maxSequenceLength, doLowerCase, "vocab");
        var model = new BertModel(config with { VocabSize = tokenizer.VocabSize });
        var head = new CrossEncoderHead(config.HiddenSize, numLabels, pooler, config.HiddenDropoutProb);
        return new CrossEncoder(model, head, tokenizer, options, "random");
    }

    public BertModel Model { get; }
    public CrossEncoderHead Head { get; }
    public SentenceTokenizer Tokenizer { get; }
    public Device Device { get; }
    public string Source { get; }
    public SentenceEncoderOptions Options => _options.Clone();

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
        var inputs = pairs.Select(p => Tokenizer.EncodePair(p.First, p.Second)).ToList();
        int truncated = inputs.Count(i => i.Truncated);
        if (truncated > 0) _options.Log?.Invoke($"{truncated} of {inputs.Count} pair(s) truncated to {Tokenizer.MaxSequenceLength} tokens");
        var result = new float[pairs.Count][];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var inference = torch.inference_mode();
            foreach (var batch in LengthSortedBatches.Create(inputs, _options.BatchSize, _options.SortByLength))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                using var tokens = TokenBatch.Pad(batch.Select(i => inputs[i]).ToList(), Tokenizer.PadTokenId, Device);
                var values = Forward(tokens).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
                for (int r = 0; r < batch.Length; r++) result[batch[r]] = values.AsSpan(r * NumLabels, NumLabels).ToArray();
            }
        }
        return result;
    }

    /// <summary>The differentiable path used by training: (B, T) pair tokens -> (B, <see cref="NumLabels"/>) logits.</summary>
    public Tensor Forward(TokenBatch batch)
    {
        Interlocked.Increment(ref _forwardPasses);
        using var hidden = Model.forward(batch.InputIds, batch.TokenTypeIds, batch.AttentionMask);
        return Head.forward(hidden);
    }

    /// <summary>Writes a Hugging Face BertForSequenceClassification folder (loadable by <see cref="Load"/> and sentence-transformers' CrossEncoder).</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        lock (_gate)
        {
            var wordPiece = (WordPieceTokenizer)Tokenizer.Subwords;
            CrossEncoderFolder.Write(folder, Model.Config, wordPiece.VocabText, wordPiece.DoLowerCase, Tokenizer.MaxSequenceLength,
                StateDict.Export(Model), StateDict.Export(Head), NumLabels);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Model.Dispose();
            Head.Dispose();
        }
    }
}
