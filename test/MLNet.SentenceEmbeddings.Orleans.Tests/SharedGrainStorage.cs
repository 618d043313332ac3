using System.Collections.Concurrent;
using System.Text.Json;
using Orleans.Runtime;
using Orleans.Storage;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

/// <summary>
/// Grain storage outside every silo of an in-process test cluster, as Redis or a database is outside a real one: a
/// silo killed in a test takes no state with it (Orleans' memory storage keeps state in grains, on some silo). States
/// are stored as JSON, so a reader gets a copy; writes check the ETag as real providers do.
/// </summary>
internal sealed class SharedGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<string, (string Json, string ETag)> _records = new();
    private readonly object _gate = new();

    public int Writes { get; private set; }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_records.TryGetValue(Key(stateName, grainId), out var record))
        {
            grainState.State = JsonSerializer.Deserialize<T>(record.Json)!;
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_gate)
        {
            string key = Key(stateName, grainId);
            string? stored = _records.TryGetValue(key, out var record) ? record.ETag : null;
            if (stored != grainState.ETag) throw new InconsistentStateException($"{key}: stale ETag", stored, grainState.ETag);
            string etag = Guid.NewGuid().ToString("N");
            _records[key] = (JsonSerializer.Serialize(grainState.State), etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
            Writes++;
        }
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _records.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
