namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// Online embedding on the cluster: a stateless worker, so each call runs on the silo that received it (a client
/// spreads its calls over the gateways), where it joins that silo's dynamic batch. Use key 0; any key behaves the same.
/// </summary>
[Alias("sbert.IEmbeddingGrain")]
public interface IEmbeddingGrain : IGrainWithIntegerKey
{
    /// <summary>One vector per text, in order (the silo model's own output: normalised when the model normalises).</summary>
    /// <exception cref="EmbeddingQueueFullException">The silo's queue cannot take the texts now.</exception>
    [Alias("Embed")]
    Task<float[][]> EmbedAsync(string[] texts, CancellationToken cancellationToken = default);

    /// <summary>The model this silo embeds with.</summary>
    [Alias("Describe")]
    Task<EmbeddingModelInfo> DescribeAsync();
}
