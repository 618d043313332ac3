using System.Text.RegularExpressions;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Hugging Face Hub repository ids ("namespace/name", e.g. "sentence-transformers/all-MiniLM-L6-v2"), checked with
/// the Hub's own naming rules: letters, digits, '_', '-' and '.', each part starting and ending with a letter, digit or
/// '_', no "--" or "..", no ".git" ending, at most 96 characters.
/// </summary>
public static partial class HubRepoId
{
    private const int MaxLength = 96;

    [GeneratedRegex(@"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?/)?[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?$")]
    private static partial Regex Pattern();

    /// <summary>
    /// True when <paramref name="value"/> is a Hub id of the form "namespace/name" and no file or folder of that
    /// name exists (relative to the current directory), so "models/my-model" stays a folder when it is one. Legacy
    /// ids without a namespace ("bert-base-uncased") are not recognised here, since they are indistinguishable from
    /// model names; pass them to <see cref="HubModelDownloader.Download"/> directly.
    /// </summary>
    public static bool IsRepoId(string? value) =>
        value is not null && value.Count(c => c == '/') == 1 && IsValid(value)
        && !Directory.Exists(value) && !File.Exists(value);

    /// <summary>True when <paramref name="repoId"/> ("name" or "namespace/name") follows the Hub's naming rules.</summary>
    public static bool IsValid(string? repoId) =>
        repoId is not null && repoId.Length <= MaxLength && Pattern().IsMatch(repoId)
        && !repoId.Contains("--", StringComparison.Ordinal) && !repoId.Contains("..", StringComparison.Ordinal)
        && !repoId.EndsWith(".git", StringComparison.Ordinal);

    internal static void Validate(string repoId, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repoId, parameterName);
        if (!IsValid(repoId))
            throw new ArgumentException(
                $"'{repoId}' is not a Hugging Face Hub repository id: expected \"namespace/name\" (or a legacy \"name\") made of letters, digits, " +
                "'_', '-' and '.', without \"--\" or \"..\", at most 96 characters.", parameterName);
    }

    /// <summary>The cache folder name huggingface_hub uses: "models--namespace--name" or "datasets--namespace--name".</summary>
    internal static string CacheFolderName(string repoId, HubRepoType type) =>
        string.Join("--", new[] { type.PluralName() }.Concat(repoId.Split('/')));
}
