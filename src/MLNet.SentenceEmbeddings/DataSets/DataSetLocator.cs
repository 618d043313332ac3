using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Hub;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>
/// Finds a data set in this order: the folder named by $SBERT_DATA_DIR, a shared/data folder above the working
/// directory or the application (the team's ../shared/data), then, when the caller passes Hub options and the data set
/// has a <see cref="DataSet.Hub"/> source, the Hugging Face Hub: its Parquet files are downloaded by
/// <see cref="HubDatasetDownloader"/> (the same cache, offline mode, token and errors as model downloads) and written
/// once into our files' layout beside the download, in the Hub cache (<c>datasets--NS--NAME/converted/COMMIT/</c>).
/// </summary>
public static class DataSetLocator
{
    /// <summary>Locates <paramref name="dataSet"/>.</summary>
    /// <param name="dataSet">A data set of <see cref="DataSetCatalog"/> (or one built alike).</param>
    /// <param name="hub">null: look on disk only. Otherwise the Hub step is tried last with these options (e.g.
    /// <c>new HubDownloadOptions()</c> for HF_ENDPOINT, HF_HUB_OFFLINE, HF_TOKEN and the Hub cache from the environment).</param>
    /// <param name="cancellationToken">Stops a download.</param>
    /// <returns>The folder, or a location with a null path that lists the missing files, every place looked and why the Hub step failed.</returns>
    public static DataSetLocation Locate(DataSet dataSet, HubDownloadOptions? hub = null, CancellationToken cancellationToken = default) =>
        Locate(dataSet, DiskRoots(), hub, cancellationToken);

    /// <summary>$SBERT_DATA_DIR, then the first shared/data folder above the working directory or the application.</summary>
    private static (string? Root, string Via, string Absent)[] DiskRoots()
    {
        string[] starts = [Directory.GetCurrentDirectory(), AppContext.BaseDirectory];
        return
        [
            (Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable), SharedData.EnvironmentVariable, "not set"),
            (SharedDataAbove(starts), "shared/data", $"no shared/data folder above {string.Join(" or ", starts)}"),
        ];
    }

    /// <summary>As the public overload, with the disk roots given (tests leave out the team's shared/data); <c>Absent</c> says why a null root is null.</summary>
    internal static DataSetLocation Locate(DataSet dataSet, IEnumerable<(string? Root, string Via, string Absent)> roots, HubDownloadOptions? hub, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        IReadOnlyList<string> closest = dataSet.Files;
        var looked = new List<string>();
        foreach (var (root, via, absent) in roots)
        {
            string label = via == SharedData.EnvironmentVariable ? "$" + via : via;
            if (string.IsNullOrEmpty(root)) { looked.Add($"{label}: {absent}"); continue; }
            var found = Check(root, dataSet);
            if (found.Missing.Count == 0) return found with { Via = via, Looked = looked };
            string folder = Path.Combine(root, dataSet.Folder) + Path.DirectorySeparatorChar;
            looked.Add(!Directory.Exists(root) ? $"{label}: {root} does not exist"
                : !Directory.Exists(folder) ? $"{label}: no {folder}"
                : $"{label}: {folder} lacks {string.Join(", ", found.Missing)}");
            if (found.Missing.Count < closest.Count) closest = found.Missing;
        }
        if (hub is null)
        {
            looked.Add("the Hugging Face Hub: not asked (disk only)");
            return new DataSetLocation(null, "missing", closest) { Looked = looked };
        }
        if (dataSet.Hub is not { } source)
        {
            string none = $"no Hugging Face Hub data set holds the same content as {dataSet.Folder}/";
            looked.Add($"the Hugging Face Hub: {none}");
            return new DataSetLocation(null, "missing", closest, none) { Looked = looked };
        }
        try { return new DataSetLocation(Download(dataSet, source, hub, cancellationToken), "hub", []) { Looked = looked }; }
        catch (HubDownloadException e)
        {
            looked.Add($"the Hugging Face Hub ({source.RepoId}): {e.Message}");
            return new DataSetLocation(null, "missing", closest, e.Message) { Looked = looked };
        }
    }

    /// <summary>Which of <paramref name="dataSet"/>'s files are missing below <paramref name="root"/>.</summary>
    public static DataSetLocation Check(string root, DataSet dataSet)
    {
        string folder = Path.Combine(root, dataSet.Folder);
        var missing = dataSet.Files.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        return new DataSetLocation(missing.Count == 0 ? folder : null, "", missing);
    }

    /// <summary>Downloads (or finds in the Hub cache) the source's Parquet files and converts them once; returns the data set's folder.</summary>
    private static string Download(DataSet dataSet, HubDataSetSource source, HubDownloadOptions hub, CancellationToken cancellationToken)
    {
        var options = hub.Clone();
        options.Revision = HubDataSetSource.ParquetRevision;
        string snapshot = HubDatasetDownloader.Download(source.RepoId, source.Patterns, options, cancellationToken);
        // snapshots/COMMIT -> converted/COMMIT: a new Hub commit gets its own conversion; the Hub cache's own folders are untouched.
        string commit = Path.GetFileName(Path.TrimEndingDirectorySeparator(snapshot));
        string converted = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(snapshot))!)!, "converted", commit);
        string folder = Path.Combine(converted, dataSet.Folder);
        if (Check(converted, dataSet).Missing.Count == 0) return folder;
        AtomicDirectory.Write(converted, temporary =>
        {
            string target = Path.Combine(temporary, dataSet.Folder);
            Directory.CreateDirectory(target);
            source.Convert(snapshot, target);
        });
        return folder;
    }

    private static string? SharedDataAbove(IEnumerable<string> starts)
    {
        foreach (var start in starts)
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }
}
