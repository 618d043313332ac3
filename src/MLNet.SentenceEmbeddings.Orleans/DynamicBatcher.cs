using System.Diagnostics;
using System.Threading.Channels;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// Gathers concurrent requests into one encoder call (dynamic batching, as text-embeddings-inference does): the first
/// request waiting opens a batch, which closes when the window has passed or enough texts have joined; while one batch
/// is encoded the next fills. Waiting texts are bounded: a request that would exceed the capacity is refused at once
/// (<see cref="EmbeddingQueueFullException"/>), never queued. A request cancelled before its batch starts is left out
/// of it; one cancelled later gets its cancellation, and the batch runs on for the others.
/// </summary>
internal sealed class DynamicBatcher : IDisposable
{
    private sealed record Request(IReadOnlyList<string?> Texts, TaskCompletionSource<float[][]> Result, CancellationTokenRegistration Registration);

    private readonly Func<IReadOnlyList<string?>, float[][]> _encode;
    private readonly TimeSpan _window;
    private readonly int _maxBatchTexts, _capacity;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _waitingTexts;
    private long _batches, _texts;

    /// <param name="encode">Texts in, one vector per text out, in order; called from one thread at a time.</param>
    /// <param name="window">How long a batch's first request waits for others.</param>
    /// <param name="maxBatchTexts">A batch closes once it holds this many texts.</param>
    /// <param name="capacity">Most texts waiting.</param>
    public DynamicBatcher(Func<IReadOnlyList<string?>, float[][]> encode, TimeSpan window, int maxBatchTexts, int capacity)
    {
        _encode = encode;
        _window = window;
        _maxBatchTexts = maxBatchTexts;
        _capacity = capacity;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Texts waiting for a batch now.</summary>
    public int WaitingTexts => Volatile.Read(ref _waitingTexts);

    /// <summary>Encoder calls made so far (each serves one or more requests).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Texts embedded so far; over <see cref="Batches"/>, the mean batch.</summary>
    public long Texts => Interlocked.Read(ref _texts);

    /// <summary>The vectors of <paramref name="texts"/>, computed in a batch shared with the requests around it.</summary>
    /// <exception cref="EmbeddingQueueFullException">The texts would not fit in the queue.</exception>
    public Task<float[][]> EmbedAsync(IReadOnlyList<string?> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return Task.FromResult(Array.Empty<float[]>());
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<float[][]>(cancellationToken);
        int waiting = Interlocked.Add(ref _waitingTexts, texts.Count);
        if (waiting > _capacity)
        {
            Interlocked.Add(ref _waitingTexts, -texts.Count);
            throw EmbeddingQueueFullException.For(texts.Count, waiting - texts.Count, _capacity);
        }
        var result = new TaskCompletionSource<float[][]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = cancellationToken.Register(() => result.TrySetCanceled(cancellationToken));
        if (!_queue.Writer.TryWrite(new Request(texts, result, registration)))
        {
            Interlocked.Add(ref _waitingTexts, -texts.Count);
            registration.Dispose();
            throw new ObjectDisposedException(nameof(DynamicBatcher), "The silo's embedding service is shutting down.");
        }
        return result.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Request>();
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                int texts = 0;
                long deadline = Stopwatch.GetTimestamp() + (long)(_window.TotalSeconds * Stopwatch.Frequency);
                while (texts < _maxBatchTexts)
                {
                    if (reader.TryRead(out var request))
                    {
                        Interlocked.Add(ref _waitingTexts, -request.Texts.Count);
                        if (request.Result.Task.IsCompleted) { request.Registration.Dispose(); continue; }   // cancelled while waiting
                        batch.Add(request);
                        texts += request.Texts.Count;
                        continue;
                    }
                    var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (left <= TimeSpan.Zero) break;
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                    wait.CancelAfter(left);
                    try { if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) break; }
                    catch (OperationCanceledException) when (!_stop.IsCancellationRequested) { break; }
                }
                if (batch.Count > 0) Run(batch, texts);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        while (reader.TryRead(out var left))
        {
            left.Registration.Dispose();
            left.Result.TrySetException(new ObjectDisposedException(nameof(DynamicBatcher), "The silo's embedding service stopped."));
        }
    }

    private void Run(List<Request> batch, int texts)
    {
        var all = new List<string?>(texts);
        foreach (var r in batch) all.AddRange(r.Texts);
        try
        {
            var vectors = _encode(all);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _texts, all.Count);
            int offset = 0;
            foreach (var r in batch)
            {
                r.Result.TrySetResult(vectors[offset..(offset + r.Texts.Count)]);
                offset += r.Texts.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var r in batch) r.Result.TrySetException(e);
        }
        finally
        {
            foreach (var r in batch) r.Registration.Dispose();
        }
    }

    /// <summary>Stops the loop; requests still waiting fail with <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(30)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
