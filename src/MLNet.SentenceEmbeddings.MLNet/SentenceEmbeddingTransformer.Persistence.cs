using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
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
/// model.safetensors, ...). Nothing is written beside the zip.
/// </summary>
public sealed partial class SentenceEmbeddingTransformer
{
    internal const string LoaderSignature = "SentenceEmbeddingXf"; // at most 24 ASCII characters (ML.NET model header)
    private const string EncoderFilePrefix = "Encoder_";

    private static VersionInfo GetVersionInfo() => new(
        modelSignature: "SBERTEMB", // exactly 8 ASCII characters
        verWrittenCur: 0x00010001,
        verReadableCur: 0x00010001,
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

        string folder = Directory.CreateTempSubdirectory("sbert-save-").FullName;
        try
        {
            Encoder.Save(folder);
            var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).OrderBy(f => f, StringComparer.Ordinal).ToList();
            // Empty folders carry meaning in the format (2_Normalize/ marks normalisation).
            var dirs = Directory.GetDirectories(folder, "*", SearchOption.AllDirectories)
                .Select(d => Path.GetRelativePath(folder, d).Replace('\\', '/')).OrderBy(d => d, StringComparer.Ordinal).ToList();
            ctx.Writer.Write(dirs.Count);
            foreach (var d in dirs) ctx.SaveNonEmptyString(d);
            ctx.Writer.Write(files.Count);
            for (int i = 0; i < files.Count; i++)
            {
                ctx.SaveNonEmptyString(files[i]);
                byte[] bytes = File.ReadAllBytes(Path.Combine(folder, files[i]));
                ctx.Writer.Write(bytes.LongLength);
                ctx.SaveBinaryStream(EncoderFilePrefix + i, w => w.Write(bytes));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Found by ML.NET's ComponentCatalog: static, named Create, (IHostEnvironment, ModelLoadContext).
    private static SentenceEmbeddingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(ctx);
        MLNetVersionGuard.EnsureSupported();
        ctx.CheckAtModel(GetVersionInfo());

        int pairs = ctx.Reader.ReadInt32();
        env.CheckDecode(pairs > 0, "SentenceEmbeddingTransformer: no column pairs in the model.");
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

        string folder = Directory.CreateTempSubdirectory("sbert-load-").FullName;
        try
        {
            int dirs = ctx.Reader.ReadInt32();
            for (int i = 0; i < dirs; i++) Directory.CreateDirectory(Path.Combine(folder, SafeRelative(env, ctx.LoadNonEmptyString())));
            int files = ctx.Reader.ReadInt32();
            for (int i = 0; i < files; i++)
            {
                string relative = SafeRelative(env, ctx.LoadNonEmptyString());
                long length = ctx.Reader.ReadInt64();
                string path = Path.Combine(folder, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (!ctx.TryLoadBinaryStream(EncoderFilePrefix + i, r =>
                    {
                        using var file = File.Create(path);
                        r.BaseStream.CopyTo(file);
                    }))
                    throw env.ExceptDecode($"SentenceEmbeddingTransformer: zip entry {EncoderFilePrefix}{i} ({relative}) is missing from '{ctx.Directory}'.");
                env.CheckDecode(new FileInfo(path).Length == length, $"SentenceEmbeddingTransformer: {relative} is truncated in the model zip.");
            }
            var encoder = SentenceEncoder.Load(folder, options);
            return new SentenceEmbeddingTransformer(env, encoder, ownsEncoder: true, columns);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string SafeRelative(IHostEnvironment env, string relative)
    {
        // Entries come from a file: never let one escape the temporary folder.
        env.CheckDecode(!Path.IsPathRooted(relative) && !relative.Split('/').Contains(".."), $"SentenceEmbeddingTransformer: bad file name '{relative}' in the model.");
        return relative;
    }
}
