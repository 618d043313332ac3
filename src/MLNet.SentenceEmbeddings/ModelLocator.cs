using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// Turns what a user names as a model into a folder on disk: an embedded model (converted once and cached), an
/// existing folder, or a Hugging Face Hub id (downloaded once into the Hub's cache). The bi-encoder, the cross-encoder, the ML.NET
/// transform, the generator and every CLI --model go through here.
/// </summary>
public static class ModelLocator
{
    /// <summary>The folder behind <paramref name="modelNameOrPath"/>.</summary>
    /// <exception cref="ArgumentException">Neither an embedded model, a folder, nor a Hub id.</exception>
    public static string Resolve(string modelNameOrPath, EncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelNameOrPath);
        // An embedded model's Hub id ("sentence-transformers/all-MiniLM-L6-v2") stays offline unless Hub options are given.
        if (PretrainedModels.Find(modelNameOrPath) is { } pretrained && options?.Hub is null)
        {
            string folder = PretrainedModels.EnsureConverted(pretrained);
            options?.Log?.Invoke($"model {pretrained.Name}: using converted weights in {folder}");
            return folder;
        }
        if (Directory.Exists(modelNameOrPath)) return modelNameOrPath;
        if (HubRepoId.IsRepoId(modelNameOrPath))
        {
            // Only the files the module list needs; the Hub's own cache layout, shared with Python (docs/hub.md).
            var hub = options?.Hub?.Clone() ?? new HubDownloadOptions();
            hub.Log ??= options?.Log;
            return HubModelDownloader.Download(modelNameOrPath, hub);
        }
        throw new ArgumentException(
            $"'{modelNameOrPath}' is neither an embedded model ({string.Join(", ", PretrainedModels.All.Select(m => m.Name))}, or 'default'), " +
            "an existing model folder, nor a Hugging Face Hub id (\"org/name\").",
            nameof(modelNameOrPath));
    }
}
