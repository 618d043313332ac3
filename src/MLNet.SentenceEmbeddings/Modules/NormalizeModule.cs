using MLNet.SentenceEmbeddings.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>L2-normalises the sentence embedding, so that dot product equals cosine. No config, no weights.</summary>
public sealed class NormalizeModule : SentenceModule
{
    public const string Type = "sentence_transformers.models.Normalize";

    public NormalizeModule() : base(nameof(NormalizeModule)) { }

    public override string TypeName => Type;

    public override int OutputDimension(int inputDimension) => inputDimension;

    public override SentenceFeatures forward(SentenceFeatures features)
    {
        var x = features.SentenceEmbedding ?? throw new InvalidOperationException("Normalize needs a sentence embedding: put a Pooling module before it.");
        features.SentenceEmbedding = nn.functional.normalize(x, p: 2, dim: 1);
        return features;
    }

    // The format marks Normalize by its folder alone (sentence-transformers writes an empty one).
    public override void Save(IModelFileSink sink, string folder) => sink.CreateDirectory(folder);
}
