namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// A silo's embedding queue is full: the request was refused at once rather than left waiting. Retry later, on
/// another silo, or with fewer texts; raise <see cref="SiloEmbeddingOptions.QueueCapacity"/> or add silos if it recurs.
/// </summary>
[Serializable]
[GenerateSerializer]
public sealed class EmbeddingQueueFullException : Exception
{
    /// <summary>A refusal with its reason.</summary>
    public EmbeddingQueueFullException(string message) : base(message) { }

    /// <summary>A refusal with its reason and cause.</summary>
    public EmbeddingQueueFullException(string message, Exception innerException) : base(message, innerException) { }

    internal static EmbeddingQueueFullException For(int requested, int waiting, int capacity) => new(
        $"The embedding queue is full: {waiting} text(s) are waiting and {requested} more would exceed " +
        $"SiloEmbeddingOptions.QueueCapacity ({capacity}); retry later or add silos.");
}
