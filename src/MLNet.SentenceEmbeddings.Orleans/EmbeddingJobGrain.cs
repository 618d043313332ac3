using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MLNet.SentenceEmbeddings.IO;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// The job's scheduler. Shard calls are started but never awaited inside a turn (the grain stays responsive while
/// shards run for minutes); a timer turn looks at them: finished calls are recorded, calls to silos that membership no
/// longer lists as active (or past the shard timeout) are written off and their shards handed to another silo, and idle
/// silos get the next pending shard. A written-off call that still succeeds counts too: its output is whole either way.
/// </summary>
internal sealed class EmbeddingJobGrain(
    [PersistentState("job", SiloBuilderEmbeddingExtensions.JobStorageName)] IPersistentState<EmbeddingJobState> state,
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    ILogger<EmbeddingJobGrain> log) : Grain, IEmbeddingJobGrain
{
    /// <summary>How often the timer turn looks at the shards: short against a shard, long against a turn.</summary>
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(200);

    private sealed class Call(int shard, SiloAddress silo, Task<ShardResult> task, CancellationTokenSource cancel)
    {
        public int Shard { get; } = shard;
        public SiloAddress Silo { get; } = silo;
        public Task<ShardResult> Task { get; } = task;
        public CancellationTokenSource Cancel { get; } = cancel;
        public Stopwatch Clock { get; } = Stopwatch.StartNew();
        public bool WrittenOff { get; set; }
    }

    private readonly List<Call> _calls = [];
    private IGrainTimer? _timer;

    private EmbeddingJobState Job => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A job whose coordinator moved (its silo died) resumes here: finished shards are kept, the rest reassigned.
        if (Job.Spec is null || Job.Finished is not null) return;
        var orphaned = Job.Shards.Where(s => !s.Done && s.RunningOn is not null).ToList();
        if (orphaned.Count > 0)
        {
            foreach (var record in orphaned) record.RunningOn = null;
            Job.Reassignments += orphaned.Count;
            log.LogWarning("Job {Job}: coordinator activated again; {Count} shard(s) in flight on its predecessor are reassigned",
                this.GetPrimaryKeyString(), orphaned.Count);
            await state.WriteStateAsync(cancellationToken);
        }
        StartTimer();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        foreach (var call in _calls) call.Cancel.Cancel();
        return Task.CompletedTask;
    }

    public async Task<EmbeddingJobProgress> SubmitAsync(EmbeddingJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (Job.Spec is not null)
        {
            if (!Job.Spec.SameJobAs(spec))
                throw new InvalidOperationException($"Job '{this.GetPrimaryKeyString()}' exists with a different spec; choose another job id.");
            return Progress();
        }
        Directory.CreateDirectory(spec.OutputDirectory);
        Job.Spec = spec;
        Job.Shards = Enumerable.Range(0, spec.Shards.Length).Select(_ => new ShardRecord()).ToArray();
        Job.Submitted = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        log.LogInformation("Job {Job}: {Shards} shard(s) into {Output}", this.GetPrimaryKeyString(), spec.Shards.Length, spec.OutputDirectory);
        StartTimer();
        return Progress();
    }

    public Task<EmbeddingJobProgress> GetProgressAsync() => Job.Spec is null
        ? throw new KeyNotFoundException($"No embedding job '{this.GetPrimaryKeyString()}' was submitted.")
        : Task.FromResult(Progress());

    private void StartTimer() => _timer ??= this.RegisterGrainTimer(TickAsync,
        new GrainTimerCreationOptions(TimeSpan.Zero, TickPeriod) { KeepAlive = true });

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var spec = Job.Spec!;
        bool changed = false;
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToHashSet();

        // 1. Calls that ended.
        foreach (var call in _calls.Where(c => c.Task.IsCompleted).ToList())
        {
            _calls.Remove(call);
            call.Cancel.Dispose();
            var record = Job.Shards[call.Shard];
            if (call.Task.IsCompletedSuccessfully)
            {
                if (record.Done) continue;
                var result = call.Task.Result;
                (record.Done, record.Rows, record.Silo, record.Seconds) = (true, result.Rows, result.Silo, result.Seconds);
                record.RunningOn = null;
                changed = true;
            }
            else if (!call.WrittenOff && !record.Done)
            {
                record.RunningOn = null;
                var error = call.Task.Exception?.GetBaseException();
                log.LogWarning(error, "Job {Job}: shard {Shard} failed on {Silo}", this.GetPrimaryKeyString(), call.Shard, call.Silo);
                if (IsSiloLoss(error) || !active.Contains(call.Silo)) Job.Reassignments++;
                else record.Failures++;
                if (record.Failures >= spec.MaxAttempts)
                    Job.Error = $"shard {call.Shard} ({spec.Shards[call.Shard]}) failed {record.Failures} time(s); last: {error?.Message}";
                changed = true;
            }
        }

        // 2. Calls to silos that left or died, or past the timeout: written off, their shards pending again.
        foreach (var call in _calls.Where(c => !c.WrittenOff))
        {
            if (active.Contains(call.Silo) && call.Clock.Elapsed < spec.ShardTimeout) continue;
            call.WrittenOff = true;
            call.Cancel.Cancel();
            Job.Shards[call.Shard].RunningOn = null;
            Job.Reassignments++;
            changed = true;
            log.LogWarning("Job {Job}: shard {Shard} taken from {Silo} ({Why})", this.GetPrimaryKeyString(), call.Shard, call.Silo,
                active.Contains(call.Silo) ? "timed out" : "silo no longer active");
        }

        // 3. Idle active silos get the next pending shards, lowest first.
        if (Job.Error is null)
        {
            var running = _calls.Where(c => !c.WrittenOff).ToList();
            var busy = running.Select(c => c.Silo).ToHashSet();
            var taken = running.Select(c => c.Shard).ToHashSet();
            // One pass over the shards per turn (O(shards)), stopping as soon as every idle silo has one.
            var idle = new Queue<SiloAddress>(active.Where(s => !busy.Contains(s)).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal));
            for (int i = 0; i < Job.Shards.Length && idle.Count > 0; i++)
                if (!Job.Shards[i].Done && !taken.Contains(i)) { Start(spec, i, idle.Dequeue()); changed = true; }
        }

        // 4. The end: a manifest beside the outputs, written whole.
        if (Job.Error is null && Job.Shards.All(s => s.Done))
        {
            WriteManifest(spec);
            Job.Finished = DateTimeOffset.UtcNow;
            changed = true;
            log.LogInformation("Job {Job}: done, {Rows} row(s)", this.GetPrimaryKeyString(), Job.Shards.Sum(s => s.Rows));
        }
        else if (Job.Error is not null && Job.Finished is null)
        {
            Job.Finished = DateTimeOffset.UtcNow;
            foreach (var call in _calls) call.Cancel.Cancel();
            log.LogError("Job {Job}: failed: {Error}", this.GetPrimaryKeyString(), Job.Error);
        }
        if (changed) await state.WriteStateAsync(cancellationToken);
        if (Job.Finished is not null) { _timer?.Dispose(); _timer = null; }
    }

    /// <summary>
    /// Whether a call failed because its silo went away rather than because of the shard: the runtime's own errors
    /// (connection lost, silo unavailable, message rejected; often before membership declares the silo dead), a
    /// cancellation (the silo shut down) or a timeout. A lost silo does not use up the shard's attempts.
    /// </summary>
    private static bool IsSiloLoss(Exception? error) => error is OrleansException or OperationCanceledException or TimeoutException;

    private void Start(EmbeddingJobSpec spec, int shard, SiloAddress silo)
    {
        var cancel = new CancellationTokenSource();
        var worker = GrainFactory.GetGrain<IShardWorkerGrain>(silo.ToParsableString());
        // The hint places the worker on the silo it is named after (honoured when the silo is compatible and alive).
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        Task<ShardResult> task;
        try { task = worker.EmbedShardAsync(spec, shard, cancel.Token); }
        finally { RequestContext.Remove(IPlacementDirector.PlacementHintKey); }
        _calls.Add(new Call(shard, silo, task, cancel));
        Job.Shards[shard].RunningOn = silo.ToParsableString();
    }

    private void WriteManifest(EmbeddingJobSpec spec)
    {
        var manifest = new
        {
            job = this.GetPrimaryKeyString(),
            rows = Job.Shards.Sum(s => s.Rows),
            format = spec.OutputFormat.ToString(),
            window = spec.Window,
            reassignments = Job.Reassignments,
            shards = Job.Shards.Select((s, i) => new { input = spec.Shards[i], output = Path.GetFileName(spec.OutputPath(i)), rows = s.Rows, silo = s.Silo, seconds = s.Seconds }),
        };
        AtomicFile.WriteAllText(spec.ManifestPath, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private EmbeddingJobProgress Progress() => new(
        Job.Shards.Length,
        Job.Shards.Count(s => s.Done),
        Job.Shards.Where(s => s.Done).Sum(s => s.Rows),
        _calls.Where(c => !c.WrittenOff && !c.Task.IsCompleted)
            .Select(c => new ShardAssignment(c.Shard, c.Silo.ToParsableString(), c.Clock.Elapsed.TotalSeconds)).ToArray(),
        Job.Reassignments,
        Job.Finished is not null,
        Job.Error,
        local.SiloAddress.ToParsableString());
}
