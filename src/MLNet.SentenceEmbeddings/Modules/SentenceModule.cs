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

    /// <summary>
    /// Writes <c>{folder}/config.json</c> and this module's parameters as <c>{folder}/model.safetensors</c>: the layout
    /// of sentence-transformers' modules that have weights (Dense, WeightedLayerPooling).
    /// </summary>
    protected void SaveConfigAndWeights(IModelFileSink sink, string folder, System.Text.Json.Nodes.JsonObject config)
    {
        JsonConfigFile.Write(sink, ModelPath.Join(folder, "config.json"), config);
        sink.Write(ModelPath.Join(folder, WeightFiles.SafeTensorsFile), s => SafeTensors.Write(s, StateDict.Export(this)));
    }

    /// <summary>Fills this module's parameters from <c>{folder}</c>'s weights; returns how errors name them.</summary>
    /// <exception cref="InvalidDataException">A weight is missing, extra or of the wrong shape; the message names the file.</exception>
    protected string LoadWeights(IModelFileSource source, string folder)
    {
        string describe = source.Describe(folder.Length == 0 ? WeightFiles.SafeTensorsFile : folder);
        StateDict.Load(this, WeightFiles.Read(source, folder), describe);
        return describe;
    }

    /// <summary>The last part of <see cref="TypeName"/> ("Pooling"), used for folder names such as 1_Pooling.</summary>
    public string ShortName => TypeName[(TypeName.LastIndexOf('.') + 1)..];
}
