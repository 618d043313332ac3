using Microsoft.Extensions.Hosting;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// Loads the silo's encoder while the silo starts, so the host reports started only once it can embed, and the first
/// request or shard does not pay for loading the model.
/// </summary>
internal sealed class SiloEncoderWarmup(SiloEncoder silo) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(() => _ = silo.Encoder.Dimension, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
