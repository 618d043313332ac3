using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// Turns what a user names as a model into a folder on disk: an embedded model (converted once and cached), an
/// existing folder, or (with the Hub client) a Hugging Face Hub id. The bi-encoder, the cross-encoder, the ML.NET
/// transform, the generator and every CLI --model go through here.
/// </summary>
public static class ModelLocator
{
    /// <summary>The folder behind <paramref name="modelNameOrPath"/>.</summary>
    /// <exception cref="ArgumentException">Neither an embedded model, a folder, nor a Hub id.</exception>
    public static string Resolve(string modelNameOrPath, EncoderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelNameOrPath);
        if (PretrainedModels.Find(modelNameOrPath) is { } pretrained)
        {
            string folder = PretrainedModels.EnsureConverted(pretrained);
            options?.Log?.Invoke($"model {pretrained.Name}: using converted weights in {folder}");
            return folder;
        }
        if (Directory.Exists(modelNameOrPath)) return modelNameOrPath;
        throw new ArgumentException(
            $"'{modelNameOrPath}' is neither an embedded model ({string.Join(", ", PretrainedModels.All.Select(m => m.Name))}, or 'default') nor an existing model folder.",
            nameof(modelNameOrPath));
    }
}
