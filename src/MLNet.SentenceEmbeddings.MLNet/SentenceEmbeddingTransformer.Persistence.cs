using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.MLNet;

// Lets mlContext.Model.Load find SentenceEmbeddingTransformer.Create. No ComponentCatalog.RegisterAssembly call is
// needed by users: Save writes this assembly's full name into the model header, and ML.NET loads and registers
// that assembly before it looks the loader up.
[assembly: LoadableClass(typeof(SentenceEmbeddingTransformer), null, typeof(SignatureLoadModel),
    "Sentence Embedding Transformer", SentenceEmbeddingTransformer.LoaderSignature)]

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// Persistence inside the ML.NET model zip: column pairs and run options in the transformer's main stream, and the
/// encoder in the sentence-transformers folder format, one zip entry per file (config.json, vocab.txt,
/// model.safetensors, ...), written by the modules themselves through an <see cref="IModelFileSink"/>. Nothing is
/// written beside the zip, and loading reads the entries into memory (sizes checked first), never into a folder.
/// </summary>
public sealed partial class SentenceEmbeddingTransformer
{
    internal const string LoaderSignature = "SentenceEmbeddingXf"; // at most 24 ASCII characters (ML.NET model header)
    private const string EncoderFilePrefix = "Encoder_";

    // 0x00010002 adds the prompt after the files; 0x00010003 the inference backend after the prompt (precision Int8
    // needs it). Older zips still load: 0x00010001 without a prompt, both on TorchSharp.
    private const uint VersionWithPrompt = 0x00010002;
    private const uint VersionWithBackend = 0x00010003;

    /// <summary>A model file larger than this in a zip is refused before it is read (MiniLM's weights are 90 MB).</summary>
    internal const long MaxFileBytes = 8L << 30;

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "SBERTEMB", // exactly 8 ASCII characters
        verWrittenCur: VersionWithBackend,
        verReadableCur: VersionWithBackend,
        verWeCanReadBack: 0x00010001,
        loaderSignature: LoaderSignature,
        loaderAssemblyName: typeof(SentenceEmbeddingTransformer).Assembly.FullName);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        MLNetVersionGuard.EnsureSupported();
        ctx.CheckAtModel();
        ctx.SetVersionInfo(GetVersionInfo());

        ctx.Writer.Write(Columns.Count);
        foreach (var pair in Columns)
        {
            ctx.SaveNonEmptyString(pair.OutputColumnName);
            ctx.SaveNonEmptyString(pair.InputColumnName);
        }
        var options = Encoder.Options;
        ctx.Writer.Write(options.BatchSize);
        ctx.Writer.Write((int)options.Precision);
        ctx.Writer.Write(options.Threads ?? 0);
        ctx.SaveNonEmptyString(options.Device);

        // Each module writes its files straight into zip entries; the main stream lists them afterwards.
        var sink = new ZipEntrySink(ctx);
        Encoder.Save(sink);
        ctx.Writer.Write(sink.Directories.Count);
        foreach (var d in sink.Directories) ctx.SaveNonEmptyString(d);
        ctx.Writer.Write(sink.Files.Count);
        foreach (var (path, length) in sink.Files)
        {
            ctx.SaveNonEmptyString(path);
            ctx.Writer.Write(length);
        }
        // The prompt: 0 none set (model default), 1 named, 2 literal, 3 explicitly none.
        var prompt = Prompt;
        ctx.Writer.Write(prompt.IsNone ? 3 : prompt.Name is not null ? 1 : prompt.Text is not null ? 2 : 0);
        if (prompt.Name is not null) ctx.SaveNonEmptyString(prompt.Name);
        else if (prompt.Text is not null) ctx.SaveString(prompt.Text);
        // The backend: 0 TorchSharp, 1 ONNX Runtime (the graph is exported again from the saved weights on load).
        ctx.Writer.Write((int)options.Backend);
    }

    /// <summary>Writes each file of the encoder into its own zip entry, numbered in write order.</summary>
    private sealed class ZipEntrySink : IModelFileSink
    {
        private readonly ModelSaveContext _ctx;
        public ZipEntrySink(ModelSaveContext ctx) => _ctx = ctx;
        public List<(string Path, long Length)> Files { get; } = new();
        public List<string> Directories { get; } = new();

        public void Write(string path, Action<Stream> write)
        {
            long length = 0;
            _ctx.SaveBinaryStream(EncoderFilePrefix + Files.Count, w =>
            {
                w.Flush();
                long start = w.BaseStream.Position;
                write(w.BaseStream);
                length = w.BaseStream.Position - start;
            });
            Files.Add((path, length));
        }

        public void CreateDirectory(string path) => Directories.Add(path);
    }

    // Found by ML.NET's ComponentCatalog: static, named Create, (IHostEnvironment, ModelLoadContext).
    private static SentenceEmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(ctx);
        MLNetVersionGuard.EnsureSupported();
        ctx.CheckAtModel(GetVersionInfo());

        int pairs = ctx.Reader.ReadInt32();
        env.CheckDecode(pairs > 0 && pairs < 1 << 16, "SentenceEmbeddingTransformer: the number of column pairs in the model is out of range.");
        var columns = new InputOutputColumnPair[pairs];
        for (int i = 0; i < pairs; i++)
        {
            string output = ctx.LoadNonEmptyString();
            columns[i] = new InputOutputColumnPair(output, ctx.LoadNonEmptyString());
        }
        var options = new SentenceEncoderOptions
        {
            BatchSize = ctx.Reader.ReadInt32(),
            Precision = (Precision)ctx.Reader.ReadInt32(),
        };
        int threads = ctx.Reader.ReadInt32();
        options.Threads = threads > 0 ? threads : null;
        options.Device = ctx.LoadNonEmptyString();

        int dirs = ctx.Reader.ReadInt32();
        env.CheckDecode(dirs >= 0 && dirs < 1 << 16, "SentenceEmbeddingTransformer: folder count out of range.");
        for (int i = 0; i < dirs; i++) SafeRelative(env, ctx.LoadNonEmptyString());
        int fileCount = ctx.Reader.ReadInt32();
        env.CheckDecode(fileCount > 0 && fileCount < 1 << 16, "SentenceEmbeddingTransformer: file count out of range.");
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int i = 0; i < fileCount; i++)
        {
            string relative = SafeRelative(env, ctx.LoadNonEmptyString());
            long length = ctx.Reader.ReadInt64();
            // Checked before anything is read: a hostile zip cannot make us allocate more than a model can need.
            env.CheckDecode(length >= 0 && length <= MaxFileBytes && length <= Array.MaxLength,
                $"SentenceEmbeddingTransformer: {relative} declares {length} bytes (limit {MaxFileBytes}).");
            byte[]? bytes = null;
            if (!ctx.TryLoadBinaryStream(EncoderFilePrefix + i, r => bytes = ReadExactly(r.BaseStream, length)))
                throw env.ExceptDecode($"SentenceEmbeddingTransformer: zip entry {EncoderFilePrefix}{i} ({relative}) is missing from '{ctx.Directory}'.");
            env.CheckDecode(bytes is not null, $"SentenceEmbeddingTransformer: {relative} is truncated in the model zip (expected {length} bytes).");
            files[relative] = bytes!;
        }
        var prompt = default(Prompt);
        if (ctx.Header.ModelVerWritten >= VersionWithPrompt)
        {
            int kind = ctx.Reader.ReadInt32();
            prompt = kind switch
            {
                0 => default,
                1 => Prompt.Named(ctx.LoadNonEmptyString()),
                2 => Prompt.Literal(ctx.LoadString()),
                3 => Prompt.None,
                _ => throw env.ExceptDecode($"SentenceEmbeddingTransformer: unknown prompt kind {kind}."),
            };
        }
        if (ctx.Header.ModelVerWritten >= VersionWithBackend)
        {
            int backend = ctx.Reader.ReadInt32();
            env.CheckDecode(Enum.IsDefined((InferenceBackend)backend), $"SentenceEmbeddingTransformer: unknown inference backend {backend}.");
            options.Backend = (InferenceBackend)backend;
        }
        env.CheckDecode(Enum.IsDefined(options.Precision), $"SentenceEmbeddingTransformer: unknown precision {(int)options.Precision}.");
        var encoder = SentenceEncoder.Load(new InMemoryFileSource(files, $"model zip {ctx.Directory}"), options);
        return new SentenceEmbeddingTransformer(env, encoder, ownsEncoder: true, columns, prompt);
    }

    /// <summary><paramref name="length"/> bytes from the entry, or null when it holds fewer or more.</summary>
    private static byte[]? ReadExactly(Stream stream, long length)
    {
        var bytes = new byte[length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = stream.Read(bytes, read, bytes.Length - read);
            if (n == 0) return null;
            read += n;
        }
        return stream.ReadByte() == -1 ? bytes : null;
    }

    private static string SafeRelative(IHostEnvironment env, string relative)
    {
        // Entries come from a file: never let one escape the model.
        try { return ModelPath.CheckRelative(relative, "SentenceEmbeddingTransformer"); }
        catch (InvalidDataException e) { throw env.ExceptDecode(e.Message); }
    }
}
