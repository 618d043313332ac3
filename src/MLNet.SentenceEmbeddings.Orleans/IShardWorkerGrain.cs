namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// Runs shards of batch jobs on one silo: one grain per silo, keyed by the silo's address
/// (<c>SiloAddress.ToParsableString()</c>) and placed there by the job grain's placement hint. Not reentrant, so a
/// silo embeds one shard at a time with all its cores.
/// </summary>
[Alias("sbert.IShardWorkerGrain")]
public interface IShardWorkerGrain : IGrainWithStringKey
{
    /// <summary>Embeds shard <paramref name="shard"/> of <paramref name="spec"/> into its output file.</summary>
    /// <remarks>A shard can take long; the job grain, not the call, decides when it is lost (membership, then <see cref="EmbeddingJobSpec.ShardTimeout"/>).</remarks>
    [Alias("EmbedShard")]
    [ResponseTimeout("7.00:00:00")]
    Task<ShardResult> EmbedShardAsync(EmbeddingJobSpec spec, int shard, CancellationToken cancellationToken = default);
}
