using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>
/// Replaces one named section of a Markdown file (between "&lt;!-- name:start --&gt;" and "&lt;!-- name:end --&gt;"),
/// so that several benchmarks share docs/benchmarks.md and each rerun updates only its own part.
/// </summary>
public static class MarkdownReport
{
    public static void WriteSection(string path, string name, string title, string body)
    {
        string start = $"<!-- {name}:start -->", end = $"<!-- {name}:end -->";
        string section = $"{start}\n{body.TrimEnd()}\n{end}";
        string text = File.Exists(path) ? File.ReadAllText(path) : $"# {title}\n\n";
        int i = text.IndexOf(start, StringComparison.Ordinal), j = text.IndexOf(end, StringComparison.Ordinal);
        text = i >= 0 && j > i
            ? text[..i] + section + text[(j + end.Length)..]
            : text.TrimEnd() + "\n\n" + section + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>The body of one named section (between its markers), or null when the file or the section is absent.</summary>
    public static string? ReadSection(string path, string name)
    {
        if (!File.Exists(path)) return null;
        string text = File.ReadAllText(path), start = $"<!-- {name}:start -->", end = $"<!-- {name}:end -->";
        int i = text.IndexOf(start, StringComparison.Ordinal), j = text.IndexOf(end, StringComparison.Ordinal);
        return i >= 0 && j > i ? text[(i + start.Length)..j] : null;
    }

    /// <summary>The repository root (the folder holding MLNet.SentenceEmbeddings.sln) above the working directory, or null.</summary>
    public static string? FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.SentenceEmbeddings.sln"))) return dir.FullName;
        return null;
    }
}
