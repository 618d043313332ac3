using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// Byte-pair encoding from a tokenizer.json <c>"model": {"type": "BPE"}</c>: a word starts as its characters (with
/// the continuing-subword prefix / end-of-word suffix where set), then the lowest-ranked adjacent pair is merged until no
/// ranked pair is left. Unknown characters become <c>&lt;0xXX&gt;</c> byte tokens (<c>byte_fallback</c>) or the unknown
/// token (consecutive ones fused with <c>fuse_unk</c>); <c>ignore_merges</c> takes a whole word found in the vocabulary
/// as is; <c>dropout</c> is ignored (inference is deterministic).
/// </summary>
/// <remarks>
/// Written here rather than wrapping Microsoft.ML.Tokenizers' BpeTokenizer (2.0.1): that one takes merges only as
/// "a b" strings (tokenizer.json also stores them as ["a", "b"] pairs, needed when a token contains a space) and has no
/// byte_fallback or ignore_merges, which Llama-style SentencePiece BPE files use. The algorithm follows the reference's
/// (Hugging Face tokenizers, models/bpe): ties between equal ranks go to the leftmost pair.
/// </remarks>
internal sealed class BpeModel : SubwordModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<long, (int Rank, int NewId)> _merges;
    private readonly int? _unk;
    private readonly string? _prefix, _suffix;
    private readonly bool _fuseUnk, _byteFallback, _ignoreMerges;
    private readonly int[]? _byteIds;
    private readonly WordCache _cache = new();

    private BpeModel(Dictionary<string, int> vocab, Dictionary<long, (int, int)> merges, int? unk, string? prefix, string? suffix,
        bool fuseUnk, bool byteFallback, bool ignoreMerges)
    {
        _vocab = vocab;
        _merges = merges;
        _unk = unk;
        _prefix = prefix;
        _suffix = suffix;
        _fuseUnk = fuseUnk;
        _byteFallback = byteFallback;
        _ignoreMerges = ignoreMerges;
        VocabSize = vocab.Count == 0 ? 0 : vocab.Values.Max() + 1;
        if (byteFallback)
        {
            // -1 where the vocabulary lacks a byte token: such a character falls back to the unknown token.
            _byteIds = new int[256];
            for (int b = 0; b < 256; b++) _byteIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        }
    }

    public static new BpeModel FromJson(JsonElement e, string source)
    {
        var vocab = ReadVocab(e, "BPE", source);
        string? unkToken = JsonFields.OptionalString(e, "unk_token");
        int? unk = null;
        if (unkToken is not null)
            unk = vocab.TryGetValue(unkToken, out int u) ? u : throw new InvalidDataException($"{source}: BPE unk_token '{unkToken}' is not in the vocabulary.");
        string? prefix = JsonFields.OptionalString(e, "continuing_subword_prefix");
        int mergeCount = e.TryGetProperty("merges", out var ml) && ml.ValueKind == JsonValueKind.Array ? ml.GetArrayLength() : 0;
        var merges = new Dictionary<long, (int, int)>(mergeCount, PairKeyComparer.Instance);
        int rank = 0;
        foreach (var m in JsonFields.Array(e, "merges", "model BPE", source))
        {
            string a, b;
            if (m.ValueKind == JsonValueKind.String)
            {
                var parts = m.GetString()!.Split(' ');
                if (parts.Length != 2) throw new InvalidDataException($"{source}: BPE merge {rank} '{m.GetString()}' is not two tokens separated by one space.");
                (a, b) = (parts[0], parts[1]);
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2 && m[0].ValueKind == JsonValueKind.String && m[1].ValueKind == JsonValueKind.String)
                (a, b) = (m[0].GetString()!, m[1].GetString()!);
            else throw new InvalidDataException($"{source}: BPE merge {rank} must be \"a b\" or [\"a\", \"b\"], found {m}.");
            if (!vocab.TryGetValue(a, out int ia) || !vocab.TryGetValue(b, out int ib))
                throw new InvalidDataException($"{source}: BPE merge {rank} ('{a}', '{b}') uses a token not in the vocabulary.");
            string merged = a + (prefix is not null && b.StartsWith(prefix, StringComparison.Ordinal) ? b[prefix.Length..] : b);
            if (!vocab.TryGetValue(merged, out int id))
                throw new InvalidDataException($"{source}: BPE merge {rank} gives '{merged}', which is not in the vocabulary.");
            merges[Key(ia, ib)] = (rank, id); // a repeated pair keeps its last rank, as the reference's map does
            rank++;
        }
        return new BpeModel(vocab, merges, unk, prefix, JsonFields.OptionalString(e, "end_of_word_suffix"),
            JsonFields.Bool(e, "fuse_unk", false), JsonFields.Bool(e, "byte_fallback", false), JsonFields.Bool(e, "ignore_merges", false));
    }

    private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

    /// <summary>long's own hash is the XOR of its halves, which sends the pairs (a, b) with equal a ^ b to one bucket:
    /// on a 262k vocabulary with 515k merges that made lookups crawl. A multiplicative mix spreads them.</summary>
    private sealed class PairKeyComparer : IEqualityComparer<long>
    {
        public static readonly PairKeyComparer Instance = new();
        public bool Equals(long x, long y) => x == y;
        public int GetHashCode(long key) => (int)((ulong)(key * -7046029254386353131L) >> 32);
    }

    public override int VocabSize { get; }
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    public override void Tokenize(string word, List<int> ids)
    {
        if (_ignoreMerges && _vocab.TryGetValue(word, out int whole)) { ids.Add(whole); return; }
        if (_cache.TryGet(word, out var cached)) { ids.AddRange(cached); return; }
        var result = Merge(word);
        _cache.Add(word, result);
        ids.AddRange(result);
    }

    private int[] Merge(string word)
    {
        var symbols = new List<int>(word.Length);
        int? pendingUnk = null;
        Span<byte> utf8 = stackalloc byte[4];
        int i = 0;
        while (i < word.Length)
        {
            var r = Rune.GetRuneAt(word, i);
            int n = r.Utf16SequenceLength;
            bool first = i == 0, last = i + n == word.Length;
            string s = word.Substring(i, n);
            if (!first && _prefix is not null) s = _prefix + s;
            if (last && _suffix is not null) s += _suffix;
            i += n;
            if (_vocab.TryGetValue(s, out int id))
            {
                if (pendingUnk is int u) { symbols.Add(u); pendingUnk = null; }
                symbols.Add(id);
                continue;
            }
            if (_byteIds is not null)
            {
                // The reference falls back on the bytes of the decorated string (prefix/suffix included).
                byte[] bytes = Encoding.UTF8.GetBytes(s);
                bool all = true;
                foreach (byte b in bytes) all &= _byteIds[b] >= 0;
                if (all)
                {
                    foreach (byte b in bytes) symbols.Add(_byteIds[b]);
                    continue; // a pending unknown token stays pending, as in the reference
                }
            }
            if (_unk is int unk)
            {
                if (pendingUnk is int p && !_fuseUnk) symbols.Add(p);
                pendingUnk = unk;
            }
        }
        if (pendingUnk is int pu) symbols.Add(pu);
        return MergeAll(symbols);
    }

    /// <summary>Applies ranked merges to the symbol ids (a linked list over an array, a min-heap of candidate pairs).</summary>
    private int[] MergeAll(List<int> symbols)
    {
        int count = symbols.Count;
        if (count < 2) return symbols.ToArray();
        var c = symbols.ToArray();
        var prev = new int[count];
        var next = new int[count];
        var alive = new bool[count];
        for (int k = 0; k < count; k++) { prev[k] = k - 1; next[k] = k + 1 < count ? k + 1 : -1; alive[k] = true; }
        var queue = new PriorityQueue<(int Pos, int NewId), long>();
        for (int k = 0; k + 1 < count; k++)
            if (_merges.TryGetValue(Key(c[k], c[k + 1]), out var m)) queue.Enqueue((k, m.NewId), Priority(m.Rank, k));
        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Pos;
            if (!alive[pos] || next[pos] == -1) continue;
            int right = next[pos];
            if (!_merges.TryGetValue(Key(c[pos], c[right]), out var current) || current.NewId != top.NewId) continue; // stale entry
            c[pos] = top.NewId;
            alive[right] = false;
            next[pos] = next[right];
            if (next[right] >= 0) prev[next[right]] = pos;
            if (prev[pos] >= 0 && _merges.TryGetValue(Key(c[prev[pos]], c[pos]), out var left))
                queue.Enqueue((prev[pos], left.NewId), Priority(left.Rank, prev[pos]));
            if (next[pos] >= 0 && _merges.TryGetValue(Key(c[pos], c[next[pos]]), out var after))
                queue.Enqueue((pos, after.NewId), Priority(after.Rank, pos));
        }
        var result = new List<int>(count);
        for (int k = 0; k >= 0; k = next[k]) result.Add(c[k]);
        return result.ToArray();
    }

    private static long Priority(int rank, int pos) => ((long)rank << 32) | (uint)pos;
}
