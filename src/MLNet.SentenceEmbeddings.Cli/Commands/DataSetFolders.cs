using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// The folders of the data sets one command reads. With <c>--data DIR</c> every data set sits below DIR in the data
/// folder's layout (DIR/stsb, DIR/senteval/MR, ...), as before. Without it each is found by <see cref="DataSetLocator"/>
/// ($SBERT_DATA_DIR, ../shared/data, then the Hugging Face Hub where the catalog has a source, HF_HUB_OFFLINE honoured),
/// all of them before the command loads a model, so a missing one fails at once with the places looked and how to get it.
/// Data sets may then come from different roots (STSb from the Hub cache, SICK from $SBERT_DATA_DIR).
/// </summary>
public sealed class DataSetFolders
{
    private readonly string? _given;
    private readonly Dictionary<string, string> _roots = new(StringComparer.OrdinalIgnoreCase);

    private DataSetFolders(string? given) => _given = given;

    /// <summary>Finds <paramref name="required"/> (catalog names) and, on disk only, <paramref name="optional"/> ones.</summary>
    /// <param name="given">The command's <c>--data</c>; when set nothing is looked up.</param>
    /// <param name="log">Where download progress goes (stderr).</param>
    /// <exception cref="DataSetNotFoundException">A required data set is nowhere. Those without a Hub source are checked
    /// first, so such a failure comes before any download.</exception>
    public static DataSetFolders Locate(string? given, IEnumerable<string> required, TextWriter log, CancellationToken cancellationToken,
        IEnumerable<string>? optional = null)
    {
        var folders = new DataSetFolders(given);
        if (given is not null) return folders;
        var hub = new HubDownloadOptions { Log = log.WriteLine };
        foreach (var d in required.Select(DataSetCatalog.Find).DistinctBy(d => d.Name).OrderBy(d => d.Hub is null ? 0 : 1))
        {
            var where = DataSetLocator.Locate(d, hub, cancellationToken);
            if (where.Path is null) throw new DataSetNotFoundException(d, where);
            if (where.Via == "hub") log.WriteLine($"{d.Name}: {where.Path} (converted from the Hugging Face Hub's {d.Hub!.RepoId})");
            folders._roots[d.Name] = RootOf(where.Path, d);
        }
        foreach (var d in (optional ?? []).Select(DataSetCatalog.Find))
            if (DataSetLocator.Locate(d).Path is string path) folders._roots[d.Name] = RootOf(path, d);
        return folders;
    }

    /// <summary>The data root holding <paramref name="name"/>'s folder: <c>--data</c>, or the root it was found under.</summary>
    public string Root(string name) => _given ?? (_roots.TryGetValue(name, out var root) ? root
        : throw new InvalidOperationException($"data set '{name}' was not asked for when the command located its data sets."));

    /// <summary>The folder of <paramref name="name"/> (e.g. ROOT/senteval/MR).</summary>
    public string Folder(string name) => Path.Combine(Root(name), DataSetCatalog.Find(name).Folder);

    /// <summary>A file of <paramref name="name"/>'s folder.</summary>
    public string File(string name, string file) => Path.Combine(Folder(name), file);

    /// <summary>The folder of an optional data set, or null when it was not found (with <c>--data</c>: when DIR lacks it).</summary>
    public string? TryFolder(string name)
    {
        if (_given is null) return _roots.ContainsKey(name) ? Folder(name) : null;
        string folder = Folder(name);
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>ROOT of ROOT/FOLDER, FOLDER being one or more segments ("senteval/SST/binary").</summary>
    private static string RootOf(string path, DataSet d)
    {
        string root = Path.TrimEndingDirectorySeparator(path);
        foreach (var _ in d.Folder.Split('/')) root = Path.GetDirectoryName(root)!;
        return root;
    }
}
