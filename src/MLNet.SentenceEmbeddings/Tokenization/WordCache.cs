using System.Collections.Concurrent;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// Ids of words already tokenized, shared by all threads. Bounded as the reference's model cache is: words of at most
/// <see cref="MaxWordLength"/> characters, and no new entries once <see cref="Capacity"/> are held (text repeats its
/// common words early, so a full cache still serves most lookups and memory stays flat on any input stream).
/// </summary>
internal sealed class WordCache
{
    public const int Capacity = 10_000;
    public const int MaxWordLength = 256;

    private readonly ConcurrentDictionary<string, int[]> _map = new(StringComparer.Ordinal);
    private int _count; // ConcurrentDictionary.Count takes every lock; this may overshoot by a few under contention

    public bool TryGet(string word, out int[] ids) => _map.TryGetValue(word, out ids!);

    public void Add(string word, int[] ids)
    {
        if (word.Length <= MaxWordLength && Volatile.Read(ref _count) < Capacity && _map.TryAdd(word, ids)) Interlocked.Increment(ref _count);
    }
}
