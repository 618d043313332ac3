namespace MLNet.SentenceEmbeddings.Data.SentEval;

/// <summary>The SentEval transfer tasks of the SBERT paper's Table 5, by name, with their folders.</summary>
public static class SentEvalTasks
{
    /// <summary>Task names in the paper's column order.</summary>
    public static readonly IReadOnlyList<string> All = new[] { MrTask.Name, CrTask.Name, SubjTask.Name, MpqaTask.Name, Sst2Task.Name, TrecTask.Name, MrpcTask.Name };

    /// <summary>The canonical name of <paramref name="name"/> (case-insensitive; "SST" means SST2).</summary>
    /// <exception cref="ArgumentException">Not a known task; the message lists them.</exception>
    public static string Canonical(string name)
    {
        string upper = name.Trim().ToUpperInvariant();
        if (upper is "SST" or "SST-2") upper = Sst2Task.Name;
        return All.Contains(upper) ? upper
            : throw new ArgumentException($"Unknown SentEval task '{name}'; expected one of {string.Join(", ", All)}.", nameof(name));
    }

    /// <summary>Parses "MR,CR,..." into canonical names, in the given order, without repeats.</summary>
    public static IReadOnlyList<string> ParseList(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Canonical).Distinct().ToList();

    /// <summary>
    /// The SentEval data folder under <paramref name="dataFolder"/>: the folder itself when it holds MR/, else its
    /// senteval/ subfolder (so both ../shared/data and ../shared/data/senteval work).
    /// </summary>
    public static string ResolveFolder(string dataFolder)
    {
        if (Directory.Exists(Path.Combine(dataFolder, "MR")) || !Directory.Exists(Path.Combine(dataFolder, "senteval"))) return dataFolder;
        return Path.Combine(dataFolder, "senteval");
    }

    /// <summary>Reads task <paramref name="name"/> from the SentEval folder (or the data folder above it).</summary>
    public static SentEvalTaskData Read(string name, string dataFolder)
    {
        string root = ResolveFolder(dataFolder);
        return Canonical(name) switch
        {
            MrTask.Name => MrTask.Read(Path.Combine(root, "MR")),
            CrTask.Name => CrTask.Read(Path.Combine(root, "CR")),
            SubjTask.Name => SubjTask.Read(Path.Combine(root, "SUBJ")),
            MpqaTask.Name => MpqaTask.Read(Path.Combine(root, "MPQA")),
            Sst2Task.Name => Sst2Task.Read(Path.Combine(root, "SST", "binary")),
            TrecTask.Name => TrecTask.Read(Path.Combine(root, "TREC")),
            MrpcTask.Name => MrpcTask.Read(Path.Combine(root, "MRPC")),
            var other => throw new ArgumentException($"Unknown SentEval task '{other}'.", nameof(name)),
        };
    }
}
