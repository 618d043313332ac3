namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>
/// A data set is on no disk and the Hub step could not supply it. The message names the data set, every place looked
/// (<see cref="DataSetLocation.Looked"/>) and how to get it. A <see cref="DirectoryNotFoundException"/>, so callers that
/// report I/O failures report this one too.
/// </summary>
public sealed class DataSetNotFoundException : DirectoryNotFoundException
{
    /// <summary>Creates the exception for <paramref name="dataSet"/>, not found as <paramref name="location"/> says.</summary>
    public DataSetNotFoundException(DataSet dataSet, DataSetLocation location)
        : base(Describe(dataSet ?? throw new ArgumentNullException(nameof(dataSet)), location ?? throw new ArgumentNullException(nameof(location))))
    {
        DataSet = dataSet;
        Location = location;
    }

    /// <summary>The data set that is missing.</summary>
    public DataSet DataSet { get; }

    /// <summary>Where it was looked for, and what was missing there.</summary>
    public DataSetLocation Location { get; }

    private static string Describe(DataSet d, DataSetLocation where)
    {
        string files = string.Join(", ", d.Files);
        string put = $"put {files} in $SBERT_DATA_DIR/{d.Folder}/";
        // Data sets with a Hub source come with one command; the others only from their origin.
        string how = d.Hub is null
            ? $"To get it, {put} (source: {d.Origin}); `sbert data list` names every data set's origin."
            : $"To get it, run `sbert data locate {d.Name} --download` where the Hugging Face Hub is reachable (HF_HUB_OFFLINE unset) " +
              $"to download {d.Hub.RepoId} once into the Hub cache, or {put} (source: {d.Origin}).";
        return $"data set '{d.Name}' ({d.Folder}/: {files}) not found. Looked in:\n" +
               string.Concat(where.Looked.Select(l => $"  {l}\n")) +
               how + $" `sbert data locate {d.Name}` prints its folder once it is there.";
    }
}
