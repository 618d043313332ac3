namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>Submitting and watching corpus embedding jobs from a client.</summary>
public static class EmbeddingJobClientExtensions
{
    /// <summary>How often <see cref="WaitForEmbeddingJobAsync"/> asks for progress.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Submits <paramref name="spec"/> as job <paramref name="jobId"/> (idempotent for the same spec).</summary>
    public static Task<EmbeddingJobProgress> SubmitEmbeddingJobAsync(this IGrainFactory grains, string jobId, EmbeddingJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return grains.GetGrain<IEmbeddingJobGrain>(jobId).SubmitAsync(spec);
    }

    /// <summary>
    /// Polls job <paramref name="jobId"/> until it ends, reporting each change. Polling also keeps the job going: if the
    /// coordinator's silo dies, the next poll activates the job grain on another silo, which resumes from storage. A
    /// poll that fails while the cluster is changing is retried.
    /// </summary>
    /// <returns>The final progress; check <see cref="EmbeddingJobProgress.Succeeded"/>.</returns>
    public static async Task<EmbeddingJobProgress> WaitForEmbeddingJobAsync(this IGrainFactory grains, string jobId,
        IProgress<EmbeddingJobProgress>? progress = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var job = grains.GetGrain<IEmbeddingJobGrain>(jobId);
        string? last = null;
        int failures = 0;
        while (true)
        {
            EmbeddingJobProgress now;
            try { now = await job.GetProgressAsync(); failures = 0; }
            catch (Exception e) when (e is not KeyNotFoundException && ++failures < 20 && !cancellationToken.IsCancellationRequested)
            {
                // Membership is settling after a silo loss (SiloUnavailableException, a timeout): ask again.
                await Task.Delay(pollInterval ?? DefaultPollInterval, cancellationToken);
                continue;
            }
            string text = now.ToString();
            if (text != last) { progress?.Report(now); last = text; }
            if (now.Finished) return now;
            await Task.Delay(pollInterval ?? DefaultPollInterval, cancellationToken);
        }
    }
}
