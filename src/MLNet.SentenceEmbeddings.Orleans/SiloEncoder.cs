using Microsoft.Extensions.Options;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// The one encoder of a silo, loaded once (at start, by <see cref="SiloEncoderWarmup"/>) and shared by the online embedding grain (through its batcher) and
/// the shard workers of batch jobs, so a silo holds one copy of the weights whatever the load.
/// </summary>
internal sealed class SiloEncoder : IDisposable
{
    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly Lazy<DynamicBatcher> _batcher;

    public SiloEncoder(IOptions<SiloEmbeddingOptions> options)
    {
        Options = options.Value;
        Options.Validate();
        _encoder = new(() => SentenceEncoder.Load(Options.Model, Options.Encoder), LazyThreadSafetyMode.ExecutionAndPublication);
        _batcher = new(() => new DynamicBatcher(texts => Encoder.Encode(texts), Options.BatchWindow, Options.MaxBatchTexts, Options.QueueCapacity),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public SiloEmbeddingOptions Options { get; }

    public SentenceEncoder Encoder => _encoder.Value;

    public DynamicBatcher Batcher => _batcher.Value;

    public void Dispose()
    {
        if (_batcher.IsValueCreated) _batcher.Value.Dispose();
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
    }
}
