namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// Coordinates one corpus embedding job (keyed by a job id of your choice): assigns shards to the live silos, one at a
/// time per silo, keeps progress in grain storage (<see cref="SiloBuilderEmbeddingExtensions.JobStorageName"/>),
/// reassigns the shard of a silo that leaves, dies or exceeds <see cref="EmbeddingJobSpec.ShardTimeout"/>, and writes
/// <see cref="EmbeddingJobSpec.ManifestPath"/> when every output is in place.
/// </summary>
[Alias("sbert.IEmbeddingJobGrain")]
public interface IEmbeddingJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job; submitting the same spec again only returns its progress.</summary>
    /// <exception cref="ArgumentException">A field of the spec is invalid (the message names it).</exception>
    /// <exception cref="InvalidOperationException">The job id is taken by a different spec.</exception>
    [Alias("Submit")]
    Task<EmbeddingJobProgress> SubmitAsync(EmbeddingJobSpec spec);

    /// <summary>Where the job stands (and, after its coordinator's silo died, resumes it on another).</summary>
    /// <exception cref="KeyNotFoundException">No job was submitted under this id.</exception>
    [Alias("GetProgress")]
    Task<EmbeddingJobProgress> GetProgressAsync();
}
