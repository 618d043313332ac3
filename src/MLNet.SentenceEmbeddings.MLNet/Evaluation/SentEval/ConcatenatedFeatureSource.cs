using Microsoft.ML;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>Two (or more) embedding sources side by side: each sentence's vectors concatenated (e.g. MiniLM and Arctic-xs).</summary>
public sealed class ConcatenatedFeatureSource : EmbeddingFeatureSource
{
    private readonly EmbeddingFeatureSource[] _parts;
    private readonly bool _ownsParts;

    /// <param name="parts">The sources; each keeps its own cache.</param>
    /// <param name="ownsParts">Dispose the parts with this source.</param>
    public ConcatenatedFeatureSource(IReadOnlyList<EmbeddingFeatureSource> parts, bool ownsParts = true) : base(null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count < 2) throw new ArgumentException("At least two sources are needed.", nameof(parts));
        _parts = parts.ToArray();
        _ownsParts = ownsParts;
    }

    public override string Name => string.Join(" + ", _parts.Select(p => p.Name));

    protected override string? CacheKey => null; // the parts cache their own vectors

    protected override float[][] Compute(MLContext ml, IReadOnlyList<string> sentences)
    {
        var blocks = _parts.Select(p => p.Embed(ml, sentences)).ToArray();
        var rows = new float[sentences.Count][];
        for (int i = 0; i < rows.Length; i++) rows[i] = blocks.SelectMany(b => b[i]).ToArray();
        return rows;
    }

    public override void Dispose()
    {
        if (_ownsParts) foreach (var p in _parts) p.Dispose();
        base.Dispose();
    }
}
