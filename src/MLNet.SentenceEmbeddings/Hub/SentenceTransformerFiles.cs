using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// The files a sentence-transformers model needs, and no others: modules.json first (it names the module folders),
/// then the root configuration and tokenizer files, one weights format per folder (model.safetensors; else
/// model.safetensors.index.json and the shards it lists; else pytorch_model.bin, or its index and shards), and the
/// files under each module's folder (1_Pooling/config.json, 2_Dense/...). Never ONNX, OpenVINO, TensorFlow, Flax,
/// Rust or Core ML files, and never Python files: remote code is not downloaded, let alone run.
/// </summary>
internal sealed class SentenceTransformerFiles : IHubFileSelection
{
    public const string ModulesFile = "modules.json";

    /// <summary>Configuration and tokenizer files read from the repository root when present.</summary>
    public static readonly IReadOnlyList<string> RootFiles =
    [
        "config.json", "config_sentence_transformers.json", "sentence_bert_config.json",
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
        "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spiece.model", "tokenizer.model",
    ];

    private static readonly string[] SafetensorsWeights = ["model.safetensors", "model.safetensors.index.json"];
    private static readonly string[] PickleWeights = ["pytorch_model.bin", "pytorch_model.bin.index.json"];

    // Folders and file types of other runtimes, and code: never downloaded, whatever folder they are in.
    private static readonly HashSet<string> ExcludedFolders = new(StringComparer.OrdinalIgnoreCase) { "onnx", "openvino", "coreml", "tf", "flax", "rust" };
    private static readonly string[] ExcludedExtensions =
        [".py", ".pyc", ".onnx", ".onnx_data", ".h5", ".msgpack", ".ot", ".mlmodel", ".mlpackage", ".tflite", ".gguf", ".xml"];
    private static readonly string[] WeightExtensions = [".safetensors", ".bin", ".pt", ".pth", ".ckpt"];

    public string Key => "sentence-transformers";

    public async Task<IReadOnlyList<string>> SelectAsync(HubRevisionInfo revision, Func<string, CancellationToken, Task<string>> readFile, CancellationToken ct)
    {
        var files = revision.Files;
        var chosen = new List<string>();
        var moduleFolders = new List<string>();
        if (files.ContainsKey(ModulesFile))
        {
            chosen.Add(ModulesFile);
            moduleFolders.AddRange(ModuleFolders(await readFile(ModulesFile, ct).ConfigureAwait(false)));
        }
        chosen.AddRange(RootFiles.Where(files.ContainsKey));
        chosen.AddRange(await WeightsAsync("", files, readFile, ct).ConfigureAwait(false));
        foreach (string folder in moduleFolders)
        {
            string prefix = folder + "/";
            var inside = files.Keys.Where(f => f.StartsWith(prefix, StringComparison.Ordinal) && !IsExcluded(f)).ToList();
            chosen.AddRange(inside.Where(f => !IsWeightFile(f)));
            // One weights format per folder, nested folders (Router sub-modules) included.
            foreach (string directory in inside.Select(DirectoryOf).Distinct(StringComparer.Ordinal))
                chosen.AddRange(await WeightsAsync(directory, files, readFile, ct).ConfigureAwait(false));
        }
        if (!chosen.Any(IsWeightFile))
        {
            var other = files.Keys.Where(f => WeightExtensions.Concat(ExcludedExtensions).Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase))).Take(8).ToList();
            throw new HubSelectionException(null,
                "the repository has no weights this library reads (model.safetensors, sharded safetensors or pytorch_model.bin, at the root " +
                "or in a module folder of modules.json)" + (other.Count == 0 ? "" : $"; it has {string.Join(", ", other)}"));
        }
        return chosen.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The folders of modules.json's modules, checked to stay inside the repository; the root module ("") adds none.</summary>
    internal static IReadOnlyList<string> ModuleFolders(string modulesJson)
    {
        JsonArray modules;
        try { modules = JsonNode.Parse(modulesJson) as JsonArray ?? throw new JsonException("expected a JSON array of modules"); }
        catch (JsonException e) { throw new HubSelectionException(ModulesFile, $"{ModulesFile} is not a JSON array of modules ({e.Message})", e); }
        var folders = new List<string>();
        foreach (var (module, index) in modules.Select((m, i) => (m, i)))
        {
            if (module is not JsonObject entry) throw new HubSelectionException(ModulesFile, $"{ModulesFile}: entry {index} is not an object");
            string? path = (entry["path"] as JsonValue)?.TryGetValue<string>(out var p) == true ? p : null;
            if (string.IsNullOrEmpty(path)) continue;
            string name = entry["name"]?.ToString() ?? index.ToString();
            string trimmed = path.TrimEnd('/');
            string? reason = trimmed.Length == 0 ? "it is the root written as '/'" : HubNames.UnsafeRelativePathReason(trimmed);
            if (reason is not null)
                throw new HubSelectionException(ModulesFile,
                    $"{ModulesFile}: module {index} ('{name}') has path '{path}', which is refused because {reason}; " +
                    "a module path must be a folder inside the repository");
            folders.Add(trimmed);
        }
        return folders;
    }

    /// <summary>The weights to take from <paramref name="directory"/> ("" for the root, else "2_Dense/"): one format only.</summary>
    private static async Task<IReadOnlyList<string>> WeightsAsync(string directory, IReadOnlyDictionary<string, HubRepoFile> files,
        Func<string, CancellationToken, Task<string>> readFile, CancellationToken ct)
    {
        foreach (string[] format in new[] { SafetensorsWeights, PickleWeights })
        {
            if (files.ContainsKey(directory + format[0])) return [directory + format[0]];
            string index = directory + format[1];
            if (files.ContainsKey(index))
            {
                var shards = Shards(index, await readFile(index, ct).ConfigureAwait(false)).Select(s => directory + s).ToList();
                if (shards.FirstOrDefault(s => !files.ContainsKey(s)) is { } missing)
                    throw new HubSelectionException(index, $"{index} lists the shard '{missing}', which is not in the repository");
                return [index, .. shards];
            }
        }
        return [];
    }

    /// <summary>The shard file names an index's weight_map points to (plain names in the index's folder).</summary>
    internal static IReadOnlyList<string> Shards(string indexFile, string indexJson)
    {
        JsonObject weightMap;
        try { weightMap = (JsonNode.Parse(indexJson)?["weight_map"] as JsonObject) ?? throw new JsonException("no \"weight_map\" object"); }
        catch (JsonException e) { throw new HubSelectionException(indexFile, $"{indexFile} is not a sharded-weights index ({e.Message})", e); }
        var shards = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (tensor, value) in weightMap)
        {
            string? shard = (value as JsonValue)?.TryGetValue<string>(out var s) == true ? s : null;
            if (shard is null || shard.Contains('/') || HubNames.UnsafeRelativePathReason(shard) is not null)
                throw new HubSelectionException(indexFile, $"{indexFile}: tensor '{tensor}' points to '{value?.ToJsonString()}', expected a file name beside the index");
            shards.Add(shard);
        }
        return shards.ToList();
    }

    internal static bool IsExcluded(string file)
    {
        var segments = file.Split('/');
        return segments[..^1].Any(ExcludedFolders.Contains)
               || ExcludedExtensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase))
               || segments.Any(s => s.EndsWith(".mlpackage", StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsWeightFile(string file) =>
        WeightExtensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase))
        || file.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".bin.index.json", StringComparison.OrdinalIgnoreCase);

    private static string DirectoryOf(string file) => file.LastIndexOf('/') is var slash and >= 0 ? file[..(slash + 1)] : "";

    public string? MissingFromUnrecordedSnapshot(string snapshotFolder)
    {
        bool HasWeights(string folder) => SafetensorsWeights.Concat(PickleWeights).Any(w => File.Exists(Path.Combine(folder, w)));
        if (!File.Exists(Path.Combine(snapshotFolder, "config.json")) && !File.Exists(Path.Combine(snapshotFolder, ModulesFile)))
            return "config.json and modules.json";
        if (HasWeights(snapshotFolder)) return null;
        string modules = Path.Combine(snapshotFolder, ModulesFile);
        if (File.Exists(modules))
        {
            try
            {
                if (ModuleFolders(File.ReadAllText(modules)).Any(f => HasWeights(Path.Combine(snapshotFolder, Path.Combine(f.Split('/'))))))
                    return null;
            }
            catch (HubSelectionException) { return "a readable modules.json"; }
        }
        return "model.safetensors or pytorch_model.bin";
    }
}
