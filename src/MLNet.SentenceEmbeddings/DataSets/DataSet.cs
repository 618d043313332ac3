namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>A data set the examples, eval and reproduce read, by its place in the data folder.</summary>
/// <param name="Name">Short name (<c>sbert data locate NAME</c>).</param>
/// <param name="Folder">Its folder below the data root (e.g. "stsb", "senteval/MR").</param>
/// <param name="Files">The files that must be there.</param>
/// <param name="UsedBy">Which commands or examples read it.</param>
/// <param name="Origin">Where the team's copy came from (shared/data/SOURCES.md has the details).</param>
/// <param name="Hub">The Hugging Face Hub data set it can be rebuilt from when it is on no disk; null when none has the same content.</param>
public sealed record DataSet(string Name, string Folder, string[] Files, string UsedBy, string Origin, HubDataSetSource? Hub = null);
