using Orleans.Concurrency;
using Orleans.Runtime;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// One activation per silo, reentrant so that concurrent calls all reach the silo's batcher at once (a non-reentrant
/// grain would hand it one request at a time, and nothing would be batched).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class EmbeddingGrain(SiloEncoder silo, ILocalSiloDetails local) : Grain, IEmbeddingGrain
{
    public Task<float[][]> EmbedAsync(string[] texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return silo.Batcher.EmbedAsync(texts, cancellationToken);
    }

    public Task<EmbeddingModelInfo> DescribeAsync() =>
        Task.FromResult(new EmbeddingModelInfo(silo.Options.Model, silo.Encoder.Dimension, local.SiloAddress.ToParsableString(),
            silo.Batcher.Batches, silo.Batcher.Texts));
}
