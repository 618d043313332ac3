using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Pooling;
using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// A sentence encoder's modules in order (sentence-transformers' modules.json), run one after the other on a batch.
/// The first is always a <see cref="TransformerModule"/>.
/// </summary>
public sealed class SentenceModuleList : nn.Module<SentenceFeatures, SentenceFeatures>
{
    public const string ModulesFile = "modules.json";

    /// <summary>The module types this library reads, by the class name modules.json ends with.</summary>
    public static IReadOnlyList<string> SupportedTypes { get; } = new[] { "Transformer", "WeightedLayerPooling", "Pooling", "Dense", "Normalize" };

#pragma warning disable IDE1006 // parameter names: modules.0.auto_model..., modules.2.linear...
    private new readonly ModuleList<SentenceModule> modules;
#pragma warning restore IDE1006

    public SentenceModuleList(IReadOnlyList<SentenceModule> items) : base(nameof(SentenceModuleList))
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0 || items[0] is not TransformerModule)
            throw new ArgumentException("The first module must be a TransformerModule.", nameof(items));
        if (items.Skip(1).Any(m => m is TransformerModule))
            throw new ArgumentException("Only the first module may be a TransformerModule.", nameof(items));
        if (items.Any(m => m is WeightedLayerPoolingModule) && !((TransformerModule)items[0]).OutputHiddenStates)
            throw new ArgumentException("A WeightedLayerPoolingModule reads every hidden state: the TransformerModule needs OutputHiddenStates (WithHiddenStates(true)).", nameof(items));
        modules = new ModuleList<SentenceModule>(items.ToArray());
        Items = items.ToArray();
        int dim = 0;
        foreach (var m in Items) dim = m.OutputDimension(dim);
        Dimension = dim;
        RegisterComponents();
    }

    public IReadOnlyList<SentenceModule> Items { get; }
    public TransformerModule Transformer => (TransformerModule)Items[0];

    /// <summary>Width of the final sentence vector.</summary>
    public int Dimension { get; }

    public override SentenceFeatures forward(SentenceFeatures features)
    {
        foreach (var m in Items) features = m.forward(features);
        if (features.SentenceEmbedding is null)
            throw new InvalidOperationException("The modules produced no sentence embedding: a Pooling module is needed after the Transformer.");
        return features;
    }

    /// <summary>Writes every module into its folder and modules.json (paths "" for the Transformer, "i_Name" for the rest).</summary>
    public void Save(IModelFileSink sink)
    {
        var list = new JsonArray();
        for (int i = 0; i < Items.Count; i++)
        {
            var m = Items[i];
            string folder = i == 0 ? "" : $"{i}_{m.ShortName}";
            m.Save(sink, folder);
            list.Add(new JsonObject { ["idx"] = i, ["name"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["path"] = folder, ["type"] = m.TypeName });
        }
        JsonConfigFile.Write(sink, ModulesFile, list);
    }

    /// <summary>Turns on the Transformer's hidden states (first module) when a WeightedLayerPooling module reads them.</summary>
    internal static void HiddenStatesWhereNeeded(List<SentenceModule> modules)
    {
        if (modules.Count > 0 && modules[0] is TransformerModule { OutputHiddenStates: false } t && modules.Any(m => m is WeightedLayerPoolingModule))
            modules[0] = t.WithHiddenStates(true);
    }

    /// <summary>
    /// Reads modules.json and each module; a folder without modules.json is a plain Hugging Face model, read as
    /// Transformer + MEAN pooling (what sentence-transformers does, with a warning sent to <paramref name="log"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">An unsupported module type or a malformed file; the message names modules.json and the module.</exception>
    public static SentenceModuleList Load(IModelFileSource source, int? maxSequenceLength = null, Action<string>? log = null)
    {
        if (!source.Exists(ModulesFile))
        {
            var t = TransformerModule.Load(source, "", maxSequenceLength);
            log?.Invoke($"{source.Describe(ModulesFile)} not found: a plain transformer folder, pooled with MEAN (sentence-transformers' default).");
            return new SentenceModuleList(new SentenceModule[] { t, new PoolingModule(t.Model.HiddenSize, PoolingMode.Mean) });
        }
        var json = JsonConfigFile.Read(source, ModulesFile);
        var entries = json.Root as JsonArray ?? throw new InvalidDataException($"{json.Path}: expected a JSON array of modules.");
        var loaded = new List<SentenceModule>();
        try
        {
            int dim = 0;
            var ordered = entries.Select((e, i) => (Entry: e as JsonObject ?? throw new InvalidDataException($"{json.Path}: entry {i} is not an object."), Index: i))
                .OrderBy(e => e.Entry["idx"] is JsonValue v && v.TryGetValue<int>(out var idx) ? idx : e.Index).ToList();
            foreach (var (entry, index) in ordered)
            {
                string type = entry["type"] is JsonValue tv && tv.TryGetValue<string>(out var ts) ? ts
                    : throw new InvalidDataException($"{json.Path}: module {index} has no \"type\" string.");
                string rawPath = entry["path"] is JsonValue pv && pv.TryGetValue<string>(out var ps) ? ps : "";
                string path = ModelPath.CheckRelative(rawPath, $"{json.Path} (module {index})");
                string shortName = type[(type.LastIndexOf('.') + 1)..];
                if (loaded.Count == 0 && shortName != "Transformer")
                    throw new InvalidDataException($"{json.Path}: module {index} is '{type}'; the first module must be a Transformer.");
                SentenceModule module = shortName switch
                {
                    "Transformer" when loaded.Count == 0 => TransformerModule.Load(source, path, maxSequenceLength),
                    "WeightedLayerPooling" when loaded.Count != 1 => throw new InvalidDataException(
                        $"{json.Path}: module {index} is '{type}'; it reads the Transformer's hidden states and must come right after it."),
                    "WeightedLayerPooling" => WeightedLayerPoolingModule.Load(source, path, dim, ((TransformerModule)loaded[0]).Model.LayerCount),
                    "Pooling" => PoolingModule.Load(source, path, dim),
                    "Dense" => DenseModule.Load(source, path, dim),
                    "Normalize" => new NormalizeModule(),
                    _ => throw new InvalidDataException(
                        $"{json.Path}: module {index} has type '{type}', which is not supported; supported: {string.Join(", ", SupportedTypes)} (a single Transformer, first)."),
                };
                loaded.Add(module);
                dim = module.OutputDimension(dim);
            }
            if (loaded.Count == 0) throw new InvalidDataException($"{json.Path}: no modules listed.");
            if (!loaded.Any(m => m is PoolingModule))
                throw new InvalidDataException($"{json.Path}: no Pooling module; a sentence encoder needs one after the Transformer.");
            // sentence-transformers needs output_hidden_states in config.json for WeightedLayerPooling; a folder
            // that lacks it is read as if it were set (the module says what it needs).
            HiddenStatesWhereNeeded(loaded);
            return new SentenceModuleList(loaded);
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
    }
}
