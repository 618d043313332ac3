namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// What a job grain keeps in grain storage: the spec and, per shard, whether its output is in place. Written when a
/// shard starts, completes or fails and when the job ends (about two writes per shard), so a coordinator that moves to another
/// silo resumes with every finished shard kept and reassigns the rest.
/// </summary>
[GenerateSerializer, Alias("sbert.EmbeddingJobState")]
public sealed class EmbeddingJobState
{
    [Id(0)] public EmbeddingJobSpec? Spec { get; set; }
    [Id(1)] public ShardRecord[] Shards { get; set; } = [];
    [Id(2)] public DateTimeOffset Submitted { get; set; }
    [Id(3)] public DateTimeOffset? Finished { get; set; }
    [Id(4)] public string? Error { get; set; }
    [Id(5)] public int Reassignments { get; set; }
}

/// <summary>One shard's record in <see cref="EmbeddingJobState"/>.</summary>
[GenerateSerializer, Alias("sbert.ShardRecord")]
public sealed class ShardRecord
{
    [Id(0)] public bool Done { get; set; }
    [Id(1)] public long Rows { get; set; }
    /// <summary>Attempts that failed (a silo lost is not counted: see <see cref="EmbeddingJobState.Reassignments"/>).</summary>
    [Id(2)] public int Failures { get; set; }
    /// <summary>The silo whose output is in place.</summary>
    [Id(3)] public string? Silo { get; set; }
    [Id(4)] public double Seconds { get; set; }
    /// <summary>
    /// The silo a call for this shard was last started on, until it ends. A coordinator that activates again from
    /// storage finds its predecessor's calls here: they died with it, so their shards count as reassigned.
    /// </summary>
    [Id(5)] public string? RunningOn { get; set; }
}
