namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>Relative paths inside a model: joined with '/', and never allowed to leave the model's root.</summary>
public static class ModelPath
{
    /// <summary>Joins a module's folder and a file name ("" + "config.json" = "config.json").</summary>
    public static string Join(string folder, string file) =>
        string.IsNullOrEmpty(folder) ? file : folder.TrimEnd('/') + "/" + file;

    /// <summary>
    /// Checks a path read from an untrusted file (modules.json, a zip, a Hub listing): relative, no "..", no
    /// backslashes, no drive or root. Returns it with '/' separators and no leading "./".
    /// </summary>
    /// <exception cref="InvalidDataException">The path could escape the root; the message names <paramref name="source"/>.</exception>
    public static string CheckRelative(string path, string source)
    {
        ArgumentNullException.ThrowIfNull(path);
        string p = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
        bool bad = p.Contains('\\') || p.Contains('\0') || p.StartsWith('/') || Path.IsPathRooted(p)
                   || p.Split('/').Any(part => part == "..") || (p.Length >= 2 && p[1] == ':');
        if (bad) throw new InvalidDataException($"{source}: path '{path}' must stay inside the model folder (relative, no '..', no '\\').");
        return p.TrimEnd('/');
    }
}
