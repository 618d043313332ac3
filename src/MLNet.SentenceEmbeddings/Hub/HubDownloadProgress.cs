namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Progress of one file's download (<see cref="HubDownloadOptions.Progress"/>): reported when the transfer starts,
/// about every megabyte, and once the file is complete and checked. Files already in the cache are not reported.
/// </summary>
/// <param name="RepoId">"namespace/name".</param>
/// <param name="FileName">Path of the file inside the repository ("1_Pooling/config.json").</param>
/// <param name="BytesDone">Bytes on disk so far, a resumed part included.</param>
/// <param name="TotalBytes">The file's size as the Hub announced it.</param>
public readonly record struct HubDownloadProgress(string RepoId, string FileName, long BytesDone, long TotalBytes);
