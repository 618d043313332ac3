using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// The files whose repository path matches one of a list of patterns, with huggingface_hub's allow_patterns meaning
/// (Python's fnmatch: '*' matches any run of characters, '/' included; '?' one character; [abc] and [!abc] a set;
/// a pattern ending in '/' matches everything under that folder).
/// </summary>
internal sealed class PatternFiles : IHubFileSelection
{
    private readonly IReadOnlyList<string> _patterns;
    private readonly Regex[] _regexes;

    public PatternFiles(IReadOnlyList<string> patterns)
    {
        _patterns = patterns;
        _regexes = patterns.Select(ToRegex).ToArray();
        // The record of a completed download depends on the patterns: hash them into its name.
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', patterns))));
        Key = "files-" + hash[..16];
    }

    public string Key { get; }

    public bool IsMatch(string path) => _regexes.Any(r => r.IsMatch(path));

    public Task<IReadOnlyList<string>> SelectAsync(HubRevisionInfo revision, Func<string, CancellationToken, Task<string>> readFile, CancellationToken ct)
    {
        var chosen = revision.Files.Keys.Where(IsMatch).Order(StringComparer.Ordinal).ToList();
        if (chosen.Count == 0)
        {
            var examples = revision.Files.Keys.Order(StringComparer.Ordinal).Take(10).ToList();
            throw new HubSelectionException(null,
                $"no file matches {string.Join(", ", _patterns.Select(p => $"'{p}'"))} (the repository has {revision.Files.Count} files" +
                (examples.Count == 0 ? ")" : $", e.g. {string.Join(", ", examples)})"))
            { Kind = HubErrorKind.FileNotFound };
        }
        return Task.FromResult<IReadOnlyList<string>>(chosen);
    }

    public string? MissingFromUnrecordedSnapshot(string snapshotFolder)
    {
        bool any = Directory.Exists(snapshotFolder) && Directory.EnumerateFiles(snapshotFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(snapshotFolder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Any(IsMatch);
        return any ? null : $"a file matching {string.Join(", ", _patterns)}";
    }

    /// <summary>fnmatch's translation: '*' to '.*', '?' to '.', sets kept ('!' negates), everything else literal.</summary>
    internal static Regex ToRegex(string pattern)
    {
        if (pattern.EndsWith('/')) pattern += "*";
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '*') regex.Append(".*");
            else if (c == '?') regex.Append('.');
            else if (c == '[' && i + 2 < pattern.Length && pattern.IndexOf(']', i + 2) is var close and > 0)
            {
                string set = pattern[(i + 1)..close];
                regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = close;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
