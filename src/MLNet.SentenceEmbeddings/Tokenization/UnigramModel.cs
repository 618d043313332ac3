using System.Text;
using System.Text.Json;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// SentencePiece's Unigram model from a tokenizer.json <c>"model": {"type": "Unigram"}</c> (XLM-RoBERTa, T5, ALBERT):
/// Viterbi search for the segmentation with the highest total log-probability. A character no piece covers scores
/// <c>min_score - 10</c> as the unknown token, and consecutive unknowns fuse into one; with <c>byte_fallback</c> an
/// unknown span becomes its <c>&lt;0xXX&gt;</c> byte tokens when all of them exist.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers 2.0.1's SentencePieceTokenizer runs Unigram only from a SentencePiece .model protobuf and
/// applies SentencePiece's own normalization and whole-text segmentation, not the tokenizer.json pipeline; so the
/// search is written here after the reference's optimized Viterbi (Hugging Face tokenizers, models/unigram), whose
/// tie-breaking it keeps: candidates are visited by start, then by length, and only a strictly better score replaces
/// the best path. Lookups go through a span-keyed view of the vocabulary, so a 250k-piece vocabulary costs one
/// dictionary and no per-call allocation beyond the lattice of the word.
/// </remarks>
internal sealed class UnigramModel : SubwordModel
{
    private const double UnknownPenalty = 10.0;

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly double[] _scores;
    private readonly int? _unkId;
    private readonly bool _byteFallback;
    private readonly int _maxPieceLength;
    private readonly double _unkScore;
    private readonly WordCache _cache = new();

    private UnigramModel(Dictionary<string, int> ids, double[] scores, int? unkId, bool byteFallback, int maxPieceLength)
    {
        _ids = ids;
        _lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _scores = scores;
        _unkId = unkId;
        _byteFallback = byteFallback;
        _maxPieceLength = maxPieceLength;
        _unkScore = (scores.Length == 0 ? 0 : scores.Min()) - UnknownPenalty;
    }

    public static new UnigramModel FromJson(JsonElement e, string source)
    {
        int count = e.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength()
            : throw new InvalidDataException($"{source}: model Unigram needs a 'vocab' array of [piece, score].");
        var ids = new Dictionary<string, int>(count, StringComparer.Ordinal);
        var scores = new double[count];
        int id = 0, maxLength = 0;
        foreach (var entry in v.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[0].ValueKind != JsonValueKind.String
                || entry[1].ValueKind != JsonValueKind.Number)
                throw new InvalidDataException($"{source}: Unigram vocab entry {id} must be [piece, score], found {entry}.");
            string piece = entry[0].GetString()!;
            ids[piece] = id; // a repeated piece keeps its last id, as the reference's map does
            scores[id] = entry[1].GetDouble();
            maxLength = Math.Max(maxLength, piece.Length);
            id++;
        }
        int? unk = JsonFields.OptionalInt(e, "unk_id");
        if (unk is int u && (u < 0 || u >= count))
            throw new InvalidDataException($"{source}: Unigram unk_id {u} is outside the vocabulary (0..{count - 1}).");
        return new UnigramModel(ids, scores, unk, JsonFields.Bool(e, "byte_fallback", false), maxLength);
    }

    public override int VocabSize => _scores.Length;
    public override int? TokenToId(string token) => _ids.TryGetValue(token, out int id) ? id : null;

    public override void Tokenize(string word, List<int> ids)
    {
        if (_cache.TryGet(word, out var cached)) { ids.AddRange(cached); return; }
        var result = new List<int>();
        foreach (var (start, length) in Viterbi(word)) ToIds(word.AsSpan(start, length), result);
        var array = result.ToArray();
        _cache.Add(word, array);
        ids.AddRange(array);
    }

    /// <summary>The best segmentation as (start, length) spans, consecutive unknown characters fused.</summary>
    private List<(int Start, int Length)> Viterbi(string text)
    {
        int n = text.Length;
        var best = new double[n + 1];
        var from = new int[n + 1];
        var node = new int[n + 1];
        System.Array.Fill(from, -1);
        for (int start = 0; start < n;)
        {
            int charLength = char.IsHighSurrogate(text[start]) && start + 1 < n && char.IsLowSurrogate(text[start + 1]) ? 2 : 1;
            double here = best[start];
            bool hasSingle = false;
            int limit = Math.Min(_maxPieceLength, n - start);
            for (int length = 1; length <= limit; length++)
            {
                int end = start + length;
                if (end < n && char.IsLowSurrogate(text[end]) && char.IsHighSurrogate(text[end - 1])) continue; // mid code point
                if (!_lookup.TryGetValue(text.AsSpan(start, length), out int id)) continue;
                double candidate = _scores[id] + here;
                if (from[end] < 0 || candidate > best[end]) { best[end] = candidate; from[end] = start; node[end] = id; }
                if (length == charLength) hasSingle = true;
            }
            if (!hasSingle)
            {
                int end = start + charLength;
                double candidate = _unkScore + here;
                if (from[end] < 0 || candidate > best[end])
                {
                    best[end] = candidate;
                    from[end] = start;
                    node[end] = _unkId ?? throw new InvalidOperationException(
                        $"Unigram: '{text.Substring(start, charLength)}' is not covered by the vocabulary and the model has no unk_id.");
                }
            }
            start += charLength;
        }
        var spans = new List<(int, int)>();
        int fusedEnd = -1;
        for (int end = n; end > 0; end = from[end])
        {
            int s = from[end];
            if (_unkId is int unk && node[end] == unk)
            {
                if (fusedEnd < 0) fusedEnd = end;
                continue;
            }
            if (fusedEnd >= 0) { spans.Add((end, fusedEnd - end)); fusedEnd = -1; }
            spans.Add((s, end - s));
        }
        if (fusedEnd >= 0) spans.Add((0, fusedEnd));
        spans.Reverse();
        return spans;
    }

    /// <summary>A segment's id by its text (as the reference maps them), else its bytes, else the unknown id.</summary>
    private void ToIds(ReadOnlySpan<char> piece, List<int> ids)
    {
        if (_lookup.TryGetValue(piece, out int id)) { ids.Add(id); return; }
        if (_byteFallback)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(piece.ToArray());
            var byteIds = new int[bytes.Length];
            bool all = true;
            for (int i = 0; i < bytes.Length && all; i++) all = _ids.TryGetValue($"<0x{bytes[i]:X2}>", out byteIds[i]);
            if (all) { ids.AddRange(byteIds); return; }
        }
        ids.Add(_unkId ?? throw new InvalidOperationException($"Unigram: '{piece}' has no id and the model has no unk_id."));
    }
}
