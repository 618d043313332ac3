using Microsoft.ML.OnnxRuntime;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Onnx;

/// <summary>
/// A sentence encoder run by ONNX Runtime on a graph exported by MLNet.SentenceEmbeddings (ExportOnnx; pooling, Dense and Normalize
/// inside): tokenization with the model's <see cref="SentenceTokenizer"/>, length-sorted batches padded to their
/// longest input, vectors returned in input order. float32 or int8, as the file was exported. Needs no TorchSharp
/// (this assembly does not reference it); <c>encoder.ToOnnxEncoder()</c> in MLNet.SentenceEmbeddings exports a
/// TorchSharp encoder on the fly.
/// </summary>
/// <remarks>
/// Of <see cref="SentenceEncoderOptions"/> it honours BatchSize, Threads (ONNX Runtime intra-op threads; null: one per
/// physical core), MaxSequenceLength (at most the exported one), SortByLength and Log. Pooling and Normalize are part
/// of the graph: setting them to other values than the file's is an error, as are bf16 and a device other than cpu.
/// The graph runs in the precision it was exported in: Precision Float32 (the default) accepts either file, Int8 asks
/// for an int8 file. Backend is ignored (this is the ONNX Runtime backend).
/// </remarks>
public sealed class OnnxSentenceEncoder : ISentenceEmbedder
{
    private readonly object _gate = new();
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly SentenceEncoderOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = { OnnxGraphNames.SentenceEmbedding };
    private long _forwardPasses;
    private bool _disposed;

    private OnnxSentenceEncoder(InferenceSession session, OnnxModelMetadata metadata, SentenceTokenizer tokenizer,
        SentenceEncoderOptions options, string source)
    {
        _session = session;
        Metadata = metadata;
        Tokenizer = tokenizer;
        _options = options;
        Source = source;
        _inputNames = session.InputMetadata.Keys.ToArray();
        foreach (var name in _inputNames)
            if (name is not (OnnxGraphNames.InputIds or OnnxGraphNames.AttentionMask or OnnxGraphNames.TokenTypeIds))
                throw new InvalidDataException($"{source}: unexpected graph input '{name}'; expected input_ids, attention_mask and token_type_ids.");
        if (!session.OutputMetadata.ContainsKey(OnnxGraphNames.SentenceEmbedding))
            throw new InvalidDataException($"{source}: the graph has no '{OnnxGraphNames.SentenceEmbedding}' output (is it a transformer-only export for sentence-transformers?).");
    }

    /// <summary>Loads an exported file (or a folder holding model.onnx); the tokenizer comes from the file's metadata.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not an ONNX file ONNX Runtime loads, not one exported by this library, or one without its vocabulary; the message names the file.</exception>
    public static OnnxSentenceEncoder Load(string path, SentenceEncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) path = Path.Combine(path, OnnxGraphNames.DefaultFileName(OnnxPrecision.Float32));
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file not found: {path}", path);
        options = Check(options);
        using var sessionOptions = SessionOptionsFor(options);
        return Create(OpenSession(() => new InferenceSession(path, sessionOptions), path), null, options, path);
    }

    /// <summary>Runs an exported model held in memory; <paramref name="tokenizer"/> replaces the one in its metadata.</summary>
    public static OnnxSentenceEncoder FromBytes(byte[] model, SentenceEncoderOptions? options = null, SentenceTokenizer? tokenizer = null, string source = "memory") =>
        FromBytes(model, options, tokenizer, source, configure: null);

    /// <summary><see cref="FromBytes(byte[], SentenceEncoderOptions?, SentenceTokenizer?, string)"/> with extra session settings (profiling in tools/OnnxBenchmark).</summary>
    internal static OnnxSentenceEncoder FromBytes(byte[] model, SentenceEncoderOptions? options, SentenceTokenizer? tokenizer, string source, Action<SessionOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(model);
        options = Check(options);
        using var sessionOptions = SessionOptionsFor(options);
        configure?.Invoke(sessionOptions);
        return Create(OpenSession(() => new InferenceSession(model, sessionOptions), source), tokenizer, options, source);
    }

    /// <summary>The description stored in the file (pooling, dimension, maximum length, prompts, precision).</summary>
    public OnnxModelMetadata Metadata { get; }

    public SentenceTokenizer Tokenizer { get; }

    public string Source { get; }

    /// <summary>float32 or int8, as exported.</summary>
    public OnnxPrecision Precision => Metadata.Precision;

    public int Dimension => Metadata.Dimension;

    public SentenceEncoderOptions Options => _options.Clone();

    public long ForwardPasses => Interlocked.Read(ref _forwardPasses);

    public long TruncatedCount => Tokenizer.TruncatedCount;

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

    public void Encode(IReadOnlyList<string?> sentences, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sentences);
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

    public void EncodeTokenized(IReadOnlyList<TokenizedInput> inputs, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int dim = Dimension;
        if (destination.Length < (long)inputs.Count * dim)
            throw new ArgumentException($"destination holds {destination.Length} floats; {inputs.Count} x {dim} needed.", nameof(destination));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var batch in LengthSortedBatches.Create(inputs, _options.BatchSize, _options.SortByLength))
            {
                cancellationToken.ThrowIfCancellationRequested();
                RunBatch(inputs, batch, destination);
            }
        }
    }

    private void RunBatch(IReadOnlyList<TokenizedInput> inputs, int[] batch, Span<float> destination)
    {
        int b = batch.Length, t = 0, dim = Dimension;
        foreach (int i in batch) t = Math.Max(t, inputs[i].Length);
        if (t > Metadata.MaxSequenceLength)
            throw new ArgumentException($"an input has {t} tokens; the exported graph takes at most {Metadata.MaxSequenceLength}.", nameof(inputs));
        var ids = new long[b * t];
        var mask = new long[b * t];
        var types = new long[b * t];
        for (int r = 0; r < b; r++)
        {
            var input = inputs[batch[r]];
            int o = r * t;
            for (int c = 0; c < input.Length; c++)
            {
                ids[o + c] = input.InputIds[c];
                types[o + c] = input.TokenTypeIds[c];
                mask[o + c] = 1;
            }
            for (int c = input.Length; c < t; c++) ids[o + c] = Tokenizer.PadTokenId;
        }
        long[] shape = { b, t };
        var values = new List<OrtValue>(_inputNames.Length);
        try
        {
            foreach (var name in _inputNames)
            {
                var data = name switch { OnnxGraphNames.InputIds => ids, OnnxGraphNames.AttentionMask => mask, _ => types };
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var outputs = _session.Run(_runOptions, _inputNames, values, _outputNames);
            Interlocked.Increment(ref _forwardPasses);
            var result = outputs[0].GetTensorDataAsSpan<float>();
            for (int r = 0; r < b; r++) result.Slice(r * dim, dim).CopyTo(destination.Slice(batch[r] * dim, dim));
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Ends ONNX Runtime profiling (when a session was configured for it); returns the profile file.</summary>
    internal string EndProfiling()
    {
        lock (_gate) return _session.EndProfiling();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    private static OnnxSentenceEncoder Create(InferenceSession session, SentenceTokenizer? tokenizer, SentenceEncoderOptions options, string source)
    {
        try
        {
            var metadata = OnnxModelMetadata.FromProperties(session.ModelMetadata.CustomMetadataMap, source);
            if (options.Precision == SentenceEmbeddings.Precision.Int8 && metadata.Precision != OnnxPrecision.Int8)
                throw new ArgumentException($"{source}: Precision Int8, but the graph was exported in float32; export it with OnnxExportOptions.Precision = Int8.", nameof(options));
            if (options.Pooling is { } pooling && pooling != metadata.Pooling)
                throw new ArgumentException($"{source}: the graph pools with {Pooling.PoolingModes.ToName(metadata.Pooling)}; Pooling = {Pooling.PoolingModes.ToName(pooling)} needs a new export.", nameof(options));
            if (options.Normalize is { } normalize && normalize != metadata.Normalize)
                throw new ArgumentException($"{source}: the graph {(metadata.Normalize ? "normalises" : "does not normalise")}; Normalize = {normalize} needs a new export.", nameof(options));
            int maxLength = options.MaxSequenceLength ?? metadata.MaxSequenceLength;
            if (maxLength > metadata.MaxSequenceLength)
                throw new ArgumentOutOfRangeException(nameof(options), maxLength, $"{source}: MaxSequenceLength exceeds the exported maximum ({metadata.MaxSequenceLength}).");
            if (tokenizer is null)
            {
                if (metadata.VocabText is null)
                    throw new InvalidDataException($"{source}: the file carries no vocabulary (exported with IncludeVocabulary = false); pass a tokenizer (FromBytes).");
                tokenizer = SentenceTokenizer.FromVocab(metadata.VocabText, maxLength, metadata.DoLowerCase, source);
            }
            else if (tokenizer.MaxSequenceLength != maxLength) tokenizer = tokenizer.WithMaxSequenceLength(maxLength);
            return new OnnxSentenceEncoder(session, metadata, tokenizer, options, source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>ONNX Runtime's load errors (not protobuf, unknown operator, ...) as InvalidDataException naming the file.</summary>
    private static InferenceSession OpenSession(Func<InferenceSession> open, string source)
    {
        try { return open(); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{source}: ONNX Runtime cannot load this model ({e.Message}).", e); }
    }

    /// <summary>A validated copy, checked as ONNX Runtime options (bf16 and non-CPU devices fail, naming the property).</summary>
    private static SentenceEncoderOptions Check(SentenceEncoderOptions? options)
    {
        var copy = (options ?? new SentenceEncoderOptions()).Clone();
        copy.Backend = InferenceBackend.OnnxRuntime;
        return EncoderOptions.Checked(copy);
    }

    private static SessionOptions SessionOptionsFor(SentenceEncoderOptions options)
    {
        var s = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
        };
        if (options.Threads is int threads) s.IntraOpNumThreads = threads;
        return s;
    }
}
