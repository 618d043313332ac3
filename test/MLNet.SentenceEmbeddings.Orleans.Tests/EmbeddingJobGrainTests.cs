using MLNet.SentenceEmbeddings.Corpora;
using Orleans.TestingHost;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

[TestClass]
public sealed class EmbeddingJobGrainTests
{
    private const int Window = 16;

    [TestMethod]
    public async Task AJobOnThreeSilosWritesEveryRowOnceEqualToOneProcess()
    {
        var cluster = await SharedCluster.GetAsync();
        string dir = ShardCorpus.NewTempDir();
        var (paths, rows) = ShardCorpus.Write(dir, shards: 7, rowsPerShard: 20);
        var spec = new EmbeddingJobSpec { Shards = paths, OutputDirectory = Path.Combine(dir, "out"), Window = Window, OutputFormat = EmbeddingFormat.Parquet };
        var job = "equal-" + Guid.NewGuid().ToString("N");
        await cluster.Client.SubmitEmbeddingJobAsync(job, spec);
        var again = await cluster.Client.SubmitEmbeddingJobAsync(job, spec);   // a resubmission is the same job
        Assert.AreEqual(7, again.Shards);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => cluster.Client.SubmitEmbeddingJobAsync(job, spec with { Window = 8 }));
        var final = await cluster.Client.WaitForEmbeddingJobAsync(job, pollInterval: TimeSpan.FromMilliseconds(100)).WaitAsync(TimeSpan.FromMinutes(3));
        JobAssertions.ExactlyOnce(spec, rows, final, Window);
        Assert.AreEqual(0, final.Reassignments);
    }

    [TestMethod]
    public async Task ABadSpecIsRefusedNamingTheField()
    {
        var cluster = await SharedCluster.GetAsync();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Client.SubmitEmbeddingJobAsync("bad",
            new EmbeddingJobSpec { Shards = ["corpus.xlsx"], OutputDirectory = "out" }));
        StringAssert.Contains(e.Message, "corpus.xlsx");
        await Assert.ThrowsExactlyAsync<KeyNotFoundException>(() => cluster.Client.GetGrain<IEmbeddingJobGrain>("never-submitted").GetProgressAsync());
    }

    [TestMethod]
    [DataRow(true, DisplayName = "killed")]
    [DataRow(false, DisplayName = "stopped")]
    public async Task ASiloLostMidJobHasItsShardReassignedAndTheResultIsStillExactlyOnce(bool kill)
    {
        await using var cluster = await TestClusters.StartAsync(3);
        string dir = ShardCorpus.NewTempDir();
        var (paths, rows) = ShardCorpus.Write(dir, shards: 9, rowsPerShard: 40);
        var spec = new EmbeddingJobSpec { Shards = paths, OutputDirectory = Path.Combine(dir, "out"), Window = Window };
        var job = "failover-" + Guid.NewGuid().ToString("N");
        var progress = await cluster.Client.SubmitEmbeddingJobAsync(job, spec);

        // Lose a silo that is embedding a shard and does not host the coordinator.
        InProcessSiloHandle? victim = null;
        int victimShard = -1;
        for (int i = 0; i < 3000 && victim is null; i++)
        {
            progress = await cluster.Client.GetGrain<IEmbeddingJobGrain>(job).GetProgressAsync();
            Assert.IsFalse(progress.Finished, "the job ended before a silo could be lost: make the shards larger");
            victim = cluster.Silos.FirstOrDefault(s => s.SiloAddress.ToParsableString() != progress.Coordinator
                && progress.Running.Any(r => r.Silo == s.SiloAddress.ToParsableString()));
            if (victim is not null) victimShard = progress.Running.First(r => r.Silo == victim.SiloAddress.ToParsableString()).Shard;
            else await Task.Delay(20);
        }
        Assert.IsNotNull(victim, "no shard ever ran on a silo other than the coordinator's");
        string victimAddress = victim.SiloAddress.ToParsableString();
        if (kill) await cluster.KillSiloAsync(victim);
        else await cluster.StopSiloAsync(victim);

        var final = await cluster.Client.WaitForEmbeddingJobAsync(job, pollInterval: TimeSpan.FromMilliseconds(100)).WaitAsync(TimeSpan.FromMinutes(3));
        JobAssertions.ExactlyOnce(spec, rows, final, Window);
        // A stopped silo may finish its shard before it leaves, and a shard may end between the poll and the loss; in
        // both cases nothing was taken from it. Otherwise another silo wrote the shard, and the job must say so.
        string writer = JobAssertions.ShardWriter(spec, victimShard);
        if (writer != victimAddress)
            Assert.IsTrue(final.Reassignments >= 1, $"shard {victimShard} of the lost silo was written by {writer}, so it was reassigned: {final}");
    }
}
