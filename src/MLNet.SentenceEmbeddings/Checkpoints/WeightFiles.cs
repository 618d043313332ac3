namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// The weights of one module folder, in whichever form Hugging Face and sentence-transformers wrote them:
/// model.safetensors, sharded safetensors (model.safetensors.index.json and its shards), or pytorch_model.bin.
/// </summary>
public static class WeightFiles
{
    public const string SafeTensorsFile = "model.safetensors";
    public const string ShardIndexFile = "model.safetensors.index.json";
    public const string PyTorchFile = "pytorch_model.bin";

    /// <summary>Every tensor of the folder's checkpoint, by key.</summary>
    /// <exception cref="FileNotFoundException">No weights file; the message names the folder and the files looked for.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    public static Dictionary<string, NamedArray> Read(IModelFileSource source, string folder)
    {
        string single = ModelPath.Join(folder, SafeTensorsFile);
        if (source.Exists(single)) return ReadSafeTensors(source, single);
        string index = ModelPath.Join(folder, ShardIndexFile);
        if (source.Exists(index)) return ReadShards(source, folder, index);
        string bin = ModelPath.Join(folder, PyTorchFile);
        if (source.Exists(bin))
            throw new InvalidDataException(
                $"{source.Describe(bin)}: PyTorch pickle checkpoints are not loaded (unpickling runs code a file chooses); " +
                "save the model with safetensors (transformers: save_pretrained(safe_serialization=True), the default since v4.35) and load that folder.");
        throw new FileNotFoundException(
            $"{source.Describe(folder.Length == 0 ? "." : folder)}: no weights found; expected {SafeTensorsFile}, {ShardIndexFile} with its shards, or {PyTorchFile}.",
            source.Describe(single));
    }

    private static Dictionary<string, NamedArray> ReadSafeTensors(IModelFileSource source, string path) =>
        source.LocalPath(path) is { } local ? SafeTensors.Read(local) : ReadStream(source, path);

    private static Dictionary<string, NamedArray> ReadStream(IModelFileSource source, string path)
    {
        using var stream = source.Open(path);
        return SafeTensors.Read(stream, source.Describe(path));
    }

    private static Dictionary<string, NamedArray> ReadShards(IModelFileSource source, string folder, string index)
    {
        var json = JsonConfigFile.Read(source, index);
        var map = json.Object["weight_map"] as System.Text.Json.Nodes.JsonObject
                  ?? throw json.Expected("weight_map", "an object of tensor name -> shard file", json.Object["weight_map"]);
        var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in map)
        {
            string shard = node is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s
                : throw json.Expected($"weight_map.{name}", "a shard file name", node);
            wanted[name] = ModelPath.CheckRelative(shard, json.Path);
        }
        var result = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var shard in wanted.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            string path = ModelPath.Join(folder, shard);
            foreach (var (name, array) in ReadSafeTensors(source, path))
            {
                if (!wanted.TryGetValue(name, out var declared) || declared != shard) continue; // the index decides where a tensor lives
                result[name] = array;
            }
        }
        var missing = wanted.Keys.Where(k => !result.ContainsKey(k)).Take(3).ToList();
        if (missing.Count > 0 && missing.Any(k => !k.EndsWith("position_ids", StringComparison.Ordinal)))
            throw new InvalidDataException($"{json.Path}: tensor(s) {string.Join(", ", missing)} are not in the shard the index names.");
        return result;
    }
}
