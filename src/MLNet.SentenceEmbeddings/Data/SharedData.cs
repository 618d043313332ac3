namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Locates the team's data folder (STSb, SICK, SentEval, ...): $SBERT_DATA_DIR when set, else the first
/// "shared/data" found walking up from the working directory and from the application folder.
/// </summary>
public static class SharedData
{
    public const string EnvironmentVariable = "SBERT_DATA_DIR";

    public static string? TryFind()
    {
        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv)) return Directory.Exists(fromEnv) ? fromEnv : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <exception cref="DirectoryNotFoundException">No data folder; the message says how to point at one.</exception>
    public static string Find() => TryFind() ?? throw new DirectoryNotFoundException(
        $"Data folder not found: set {EnvironmentVariable} to the folder holding stsb/, sick/, senteval/ (e.g. ../shared/data).");

    public static string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Find() }.Concat(parts).ToArray());
}
