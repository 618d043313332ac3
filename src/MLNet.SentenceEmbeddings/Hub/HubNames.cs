using System.Text.RegularExpressions;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Checks on every name that comes from the user or the server before it becomes part of a cache path: repository
/// file names, module paths, revisions, commit hashes and ETags. A name that could leave its folder (absolute, "..",
/// a backslash, a drive letter, a control character) is refused rather than cleaned, so nothing is ever written
/// anywhere but where its name says.
/// </summary>
internal static partial class HubNames
{
    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    // ETags are git SHA-1s or SHA-256s on the Hub; anything path-like is refused.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex EtagPattern();

    /// <summary>A full commit hash (40 lowercase hex digits): immutable, so a cached snapshot of it needs no request.</summary>
    public static bool IsCommitHash(string value) => CommitPattern().IsMatch(value);

    public static bool IsSha256(string value) => Sha256Pattern().IsMatch(value);

    public static bool IsSafeEtag(string value) => EtagPattern().IsMatch(value);

    /// <summary>
    /// The reason <paramref name="path"/> is not a safe path relative to a folder ("a/b.json"), or null when it is.
    /// Segments are separated by '/' only, as on the Hub.
    /// </summary>
    public static string? UnsafeRelativePathReason(string path)
    {
        if (string.IsNullOrEmpty(path)) return "it is empty";
        if (path.StartsWith('/') || Path.IsPathRooted(path)) return "it is an absolute path";
        if (path.Contains('\\')) return "it contains a backslash";
        if (path.Contains(':')) return "it contains ':' (a drive or stream name)";
        if (path.Any(char.IsControl)) return "it contains a control character";
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0) return "it has an empty segment ('//' or a trailing '/')";
            if (segment is "." or "..") return $"it has a '{segment}' segment";
        }
        return null;
    }

    /// <summary>The revision as a cache path (refs/&lt;revision&gt;): branch names may hold '/' ("refs/pr/1") but never "..".</summary>
    public static string? UnsafeRevisionReason(string revision) => UnsafeRelativePathReason(revision);
}
