using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Cli.DataSets;

/// <summary>Where a data set was found, and by which rule.</summary>
/// <param name="Path">Its folder, or null when it is nowhere.</param>
/// <param name="Via">"SBERT_DATA_DIR", "shared/data", "hub" or "missing".</param>
/// <param name="Missing">Expected files absent from the folder that came closest.</param>
public sealed record DataSetLocation(string? Path, string Via, IReadOnlyList<string> Missing);

/// <summary>
/// Finds a data set in this order: the folder named by $SBERT_DATA_DIR, a shared/data folder above the working
/// directory (the team's ../shared/data), then <see cref="HubDownload"/>. The last step is a hook: the Hugging Face Hub
/// client (written separately: same cache, offline mode and errors as model downloads) is wired in at merge; until
/// then it is null and a data set that is not on disk is reported missing with the files it needs.
/// </summary>
public static class DataSetLocator
{
    /// <summary>
    /// The Hub step, wired at merge to the Hub client: given a data set, download it (or find it in the Hub cache) and
    /// return its local folder, laid out as <see cref="DataSet.Folder"/> expects; null when it cannot.
    /// </summary>
    public static Func<DataSet, CancellationToken, string?>? HubDownload { get; set; }

    /// <summary>Locates <paramref name="dataSet"/>; <paramref name="allowDownload"/> false skips the Hub step.</summary>
    public static DataSetLocation Locate(DataSet dataSet, bool allowDownload = false, CancellationToken cancellationToken = default)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable);
        string? shared = SharedDataAbove();
        IReadOnlyList<string> closest = dataSet.Files;
        foreach (var (root, via) in new[] { (fromEnvironment, SharedData.EnvironmentVariable), (shared, "shared/data") })
        {
            if (string.IsNullOrEmpty(root)) continue;
            var found = Check(root, dataSet);
            if (found.Missing.Count == 0) return found with { Via = via };
            if (found.Missing.Count < closest.Count) closest = found.Missing;
        }
        if (allowDownload && HubDownload is { } download && download(dataSet, cancellationToken) is string folder)
            return new DataSetLocation(folder, "hub", []);
        return new DataSetLocation(null, "missing", closest);
    }

    /// <summary>Which of <paramref name="dataSet"/>'s files are missing below <paramref name="root"/>.</summary>
    public static DataSetLocation Check(string root, DataSet dataSet)
    {
        string folder = Path.Combine(root, dataSet.Folder);
        var missing = dataSet.Files.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        return new DataSetLocation(missing.Count == 0 ? folder : null, "", missing);
    }

    private static string? SharedDataAbove()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }
}
