namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>Where a job stands.</summary>
/// <param name="Shards">Shards in the job.</param>
/// <param name="ShardsDone">Shards whose output is in place.</param>
/// <param name="RowsDone">Rows in those outputs.</param>
/// <param name="Running">Shards being embedded now, and where.</param>
/// <param name="Reassignments">Shards taken from a silo that left, died or timed out, and given to another.</param>
/// <param name="Finished">Whether the job ended (done or failed).</param>
/// <param name="Error">Why it failed; null while running or when done.</param>
/// <param name="Coordinator">The silo that hosts the job grain.</param>
[GenerateSerializer, Immutable, Alias("sbert.EmbeddingJobProgress")]
public sealed record EmbeddingJobProgress(
    [property: Id(0)] int Shards,
    [property: Id(1)] int ShardsDone,
    [property: Id(2)] long RowsDone,
    [property: Id(3)] ShardAssignment[] Running,
    [property: Id(4)] int Reassignments,
    [property: Id(5)] bool Finished,
    [property: Id(6)] string? Error,
    [property: Id(7)] string Coordinator)
{
    /// <summary>Whether every shard's output is in place.</summary>
    public bool Succeeded => Finished && Error is null;

    /// <inheritdoc />
    public override string ToString() =>
        $"{ShardsDone}/{Shards} shard(s), {RowsDone:N0} row(s), {Running.Length} running, {Reassignments} reassigned" +
        (Error is not null ? $"; failed: {Error}" : Finished ? "; done" : "");
}

/// <summary>A shard running on a silo.</summary>
[GenerateSerializer, Immutable, Alias("sbert.ShardAssignment")]
public sealed record ShardAssignment([property: Id(0)] int Shard, [property: Id(1)] string Silo, [property: Id(2)] double Seconds);

/// <summary>A shard's outcome, reported by the silo that embedded it.</summary>
[GenerateSerializer, Immutable, Alias("sbert.ShardResult")]
public sealed record ShardResult([property: Id(0)] long Rows, [property: Id(1)] string Silo, [property: Id(2)] double Seconds);
