namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>Where a data set was found, and by which rule.</summary>
/// <param name="Path">Its folder, or null when it is nowhere.</param>
/// <param name="Via">"SBERT_DATA_DIR", "shared/data", "hub" or "missing".</param>
/// <param name="Missing">Expected files absent from the folder that came closest.</param>
/// <param name="HubError">Why the Hub step failed (offline and not cached, unreachable, ...); null when it was not tried or worked.</param>
public sealed record DataSetLocation(string? Path, string Via, IReadOnlyList<string> Missing, string? HubError = null)
{
    /// <summary>Every place looked, in order, each with what was there (e.g. "$SBERT_DATA_DIR: /data/stsb/ lacks sts-test.csv").</summary>
    public IReadOnlyList<string> Looked { get; init; } = [];
}
