using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace MLNet.SentenceEmbeddings.Orleans;

internal sealed class ShardWorkerGrain(SiloEncoder silo, ILocalSiloDetails local, IHostApplicationLifetime lifetime) : Grain, IShardWorkerGrain
{
    public async Task<ShardResult> EmbedShardAsync(EmbeddingJobSpec spec, int shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, spec.Shards.Length);
        string here = local.SiloAddress.ToParsableString();
        if (this.GetPrimaryKeyString() != here)
        {
            // The silo this worker stands for was gone when it was placed: refuse, so the job assigns the shard to a live silo.
            DeactivateOnIdle();
            throw new InvalidOperationException($"The shard worker of silo {this.GetPrimaryKeyString()} was placed on {here}; shard {shard} goes back to the job.");
        }
        // A silo that shuts down stops between windows (its temporary file is removed); the job reassigns the shard.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var clock = Stopwatch.StartNew();
        long rows = await Task.Run(() => ShardEmbedder.Run(spec, shard, silo.Encoder, stop.Token), stop.Token);
        return new ShardResult(rows, here, clock.Elapsed.TotalSeconds);
    }
}
