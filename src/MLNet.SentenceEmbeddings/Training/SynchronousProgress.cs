namespace MLNet.SentenceEmbeddings.Training;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, at once. (System.Progress posts to
/// a synchronization context, so its handler may run after training has moved on.)
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
