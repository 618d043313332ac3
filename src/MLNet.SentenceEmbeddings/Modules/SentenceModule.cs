using MLNet.SentenceEmbeddings.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Modules;

/// <summary>
/// One step of a sentence encoder, as in sentence-transformers' modules.json: Transformer, Pooling, Dense, Normalize.
/// Each module owns its config keys and its files, so the layout it reads (<see cref="SentenceModuleList"/>) is the
/// layout it writes (<see cref="Save"/>).
/// </summary>
public abstract class SentenceModule : nn.Module<SentenceFeatures, SentenceFeatures>
{
    protected SentenceModule(string name) : base(name) { }

    /// <summary>The class name modules.json records ("sentence_transformers.models.Pooling").</summary>
    public abstract string TypeName { get; }

    /// <summary>Width of this module's output for an input of <paramref name="inputDimension"/>.</summary>
    public abstract int OutputDimension(int inputDimension);

    /// <summary>Writes this module's config and weights into <paramref name="folder"/> (relative, "" for the root).</summary>
    public abstract void Save(IModelFileSink sink, string folder);

    /// <summary>The last part of <see cref="TypeName"/> ("Pooling"), used for folder names such as 1_Pooling.</summary>
    public string ShortName => TypeName[(TypeName.LastIndexOf('.') + 1)..];
}
