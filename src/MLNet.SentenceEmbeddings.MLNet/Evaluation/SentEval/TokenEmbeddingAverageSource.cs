using Microsoft.ML;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.MLNet.SentEval;

/// <summary>
/// A GloVe-like bag-of-vectors baseline: the average of the encoder's input word-piece embeddings
/// (embeddings.word_embeddings, before position embeddings and any transformer layer) over a sentence's
/// word pieces, [CLS]/[SEP] excluded. It shows what the transformer layers add over a static lookup table
/// (the paper's "Avg. GloVe embeddings" row plays this role).
/// </summary>
public sealed class TokenEmbeddingAverageSource : EmbeddingFeatureSource
{
    private readonly string _model;
    private SentenceEncoder? _encoder;
    private float[]? _table; // vocab x hidden, row-major
    private int _hidden;

    /// <param name="model">"default", "arctic-xs" or a model folder: whose word-embedding table to average.</param>
    /// <param name="cacheDirectory">Folder for cached vectors; null: memory only.</param>
    public TokenEmbeddingAverageSource(string model = "default", string? cacheDirectory = null) : base(cacheDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _model = model;
    }

    public override string Name => $"{_model} token-embedding average";

    protected override string? CacheKey => _encoder is null ? null : $"token-average|{_encoder.Source}";

    protected override void Initialize(MLContext ml)
    {
        if (_encoder is not null) return;
        _encoder = SentenceEncoder.Load(_model);
        using var weight = _encoder.Model.WordEmbeddingWeight.detach().cpu().contiguous();
        _hidden = (int)weight.shape[1];
        _table = weight.data<float>().ToArray();
    }

    protected override float[][] Compute(MLContext ml, IReadOnlyList<string> sentences)
    {
        var rows = new float[sentences.Count][];
        for (int i = 0; i < rows.Length; i++)
        {
            var ids = _encoder!.Tokenizer.EncodeWords(sentences[i]);
            var v = new float[_hidden];
            foreach (int id in ids)
                for (int d = 0; d < _hidden; d++) v[d] += _table![id * _hidden + d];
            if (ids.Count > 0) for (int d = 0; d < _hidden; d++) v[d] /= ids.Count;
            rows[i] = v; // an empty sentence (CR, MPQA) stays the zero vector
        }
        return rows;
    }

    public override void Dispose()
    {
        _encoder?.Dispose();
        _encoder = null;
        base.Dispose();
    }
}
