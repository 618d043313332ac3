using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Tokenization;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>
/// The reference: ONNX Runtime running a packaged model's own ONNX file, hand-tuned (ORT_ENABLE_ALL, fixed intra-op
/// threads, length-sorted batches with dynamic padding), pooled and normalised like the model card says. Used for
/// the parity tests and as the speed baseline.
/// </summary>
public sealed class OnnxReferenceEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly PretrainedModel _model;
    private readonly bool _hasTokenTypes;

    public OnnxReferenceEncoder(PretrainedModel model, int? threads = null)
    {
        _model = model;
        byte[] onnx;
        using (var stream = model.OpenResource(model.OnnxResource))
        using (var ms = new MemoryStream())
        {
            stream.CopyTo(ms);
            onnx = ms.ToArray();
        }
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads is int t) { options.IntraOpNumThreads = t; options.InterOpNumThreads = 1; }
        _session = new InferenceSession(onnx, options);
        _hasTokenTypes = _session.InputMetadata.ContainsKey("token_type_ids");
        Tokenizer = SentenceTokenizer.FromVocab(PretrainedModels.ReadVocab(model), model.MaxSequenceLength, model.DoLowerCase, model.VocabResource);
    }

    public SentenceTokenizer Tokenizer { get; }
    public int Dimension => _model.Config.HiddenSize;

    public float[][] Encode(IReadOnlyList<string?> sentences, int batchSize = 32, bool sorted = true)
    {
        var inputs = sentences.Select(s => Tokenizer.Encode(s)).ToList();
        var result = new float[inputs.Count][];
        int h = Dimension;
        foreach (var batch in LengthSortedBatches.Create(inputs, batchSize, sorted))
        {
            int b = batch.Length, t = batch.Max(i => inputs[i].Length);
            var ids = new DenseTensor<long>(new[] { b, t });
            var mask = new DenseTensor<long>(new[] { b, t });
            var types = new DenseTensor<long>(new[] { b, t });
            for (int r = 0; r < b; r++)
            {
                var input = inputs[batch[r]];
                for (int c = 0; c < input.Length; c++) { ids[r, c] = input.InputIds[c]; mask[r, c] = 1; }
            }
            var feeds = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", ids),
                NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            };
            if (_hasTokenTypes) feeds.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", types));
            // The first output is last_hidden_state (B, T, H); MiniLM's second output is the tanh pooler, unused.
            using var outputs = _session.Run(feeds, new[] { _session.OutputMetadata.Keys.First() });
            var hidden = outputs.First().AsTensor<float>();
            for (int r = 0; r < b; r++)
            {
                int len = inputs[batch[r]].Length;
                var v = new float[h];
                for (int d = 0; d < h; d++)
                {
                    if (_model.Pooling == PoolingMode.Cls) v[d] = hidden[r, 0, d];
                    else
                    {
                        float sum = 0;
                        for (int k = 0; k < len; k++) sum += hidden[r, k, d];
                        v[d] = sum / len;
                    }
                }
                if (_model.Normalize)
                {
                    float norm = MathF.Sqrt(v.Sum(x => x * x));
                    if (norm > 0) for (int d = 0; d < h; d++) v[d] /= norm;
                }
                result[batch[r]] = v;
            }
        }
        return result;
    }

    public void Dispose() => _session.Dispose();
}
