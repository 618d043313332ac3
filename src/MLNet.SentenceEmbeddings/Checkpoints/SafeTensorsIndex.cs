using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>
/// A sharded safetensors checkpoint: <c>model.safetensors.index.json</c> maps every tensor name to the shard file that
/// holds it (<c>{"metadata": {...}, "weight_map": {"name": "model-00001-of-00002.safetensors", ...}}</c>), as Hugging
/// Face writes checkpoints too large for one file.
/// </summary>
/// <remarks>
/// Shard names must be plain file names in the index's folder (no folder part, no <c>..</c>, not absolute), so an
/// index cannot make us read outside its folder. Every shard must hold exactly the tensors the index assigns to it.
/// </remarks>
public sealed class SafeTensorsIndex
{
    /// <summary>The index's usual file name beside its shards.</summary>
    public const string FileName = "model.safetensors.index.json";

    private SafeTensorsIndex(string path, IReadOnlyDictionary<string, string> weightMap, IReadOnlyList<string> shards)
    {
        Path = path;
        WeightMap = weightMap;
        ShardFiles = shards;
    }

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <summary>Tensor name -> full path of the shard holding it.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>The shard files (full paths), in the order the index first names them.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>Reads and checks an index file (not yet its shards).</summary>
    /// <exception cref="FileNotFoundException">The index does not exist.</exception>
    /// <exception cref="InvalidDataException">Not an index, or a shard name outside the folder; the message names the file and the entry.</exception>
    public static SafeTensorsIndex Read(string indexPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(indexPath);
        string path = System.IO.Path.GetFullPath(indexPath);
        string folder = System.IO.Path.GetDirectoryName(path)!;
        using var document = JsonConfigFile.ParseDocument(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: a JSON {root.ValueKind}, expected an object with a weight_map.");
        if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: 'weight_map' is missing or not an object of tensor name -> shard file.");
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        var shards = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{path}: weight_map.{entry.Name} is a JSON {entry.Value.ValueKind}, expected a shard file name.");
            string shard = entry.Value.GetString()!;
            if (!IsPlainFileName(shard))
                throw new InvalidDataException($"{path}: weight_map.{entry.Name} names '{shard}'; expected a file name in the index's folder (no folder part, '..' or absolute path).");
            string shardPath = System.IO.Path.Combine(folder, shard);
            if (!weightMap.TryAdd(entry.Name, shardPath))
                throw new InvalidDataException($"{path}: tensor '{entry.Name}' appears twice in weight_map.");
            if (!shards.Contains(shardPath)) shards.Add(shardPath);
        }
        if (weightMap.Count == 0) throw new InvalidDataException($"{path}: weight_map is empty; expected at least one tensor.");
        return new SafeTensorsIndex(path, weightMap, shards);
    }

    /// <summary>Reads the float tensors of every shard (as <see cref="SafeTensors.Read(string)"/>), checked against the index.</summary>
    /// <exception cref="FileNotFoundException">A shard is missing.</exception>
    /// <exception cref="InvalidDataException">A shard is malformed, lacks a tensor the index puts there, or holds one the index does not list.</exception>
    public Dictionary<string, NamedArray> ReadTensors()
    {
        var result = new Dictionary<string, NamedArray>(StringComparer.Ordinal);
        foreach (var shard in ShardFiles)
        {
            if (!File.Exists(shard)) throw new FileNotFoundException($"{Path}: shard {System.IO.Path.GetFileName(shard)} is missing.", shard);
            var tensors = SafeTensors.Read(shard, out var header);
            var present = header.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in present)
                if (!WeightMap.TryGetValue(name, out var owner) || owner != shard)
                    throw new InvalidDataException($"{shard}: tensor '{name}' is not assigned to this shard by {Path}.");
            foreach (var (name, owner) in WeightMap)
                if (owner == shard && !present.Contains(name))
                    throw new InvalidDataException($"{shard}: tensor '{name}' is missing; {Path} says this shard holds it.");
            foreach (var (name, array) in tensors) result[name] = array;
        }
        return result;
    }

    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.IndexOfAny(new[] { '/', '\\', '\0' }) < 0 && !System.IO.Path.IsPathRooted(name);
}
