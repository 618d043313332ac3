namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// What each silo embeds with: the model it loads once, and how its embedding grain gathers concurrent online requests
/// into batches. Every property has a working default; a silo reads it from
/// <see cref="SiloBuilderEmbeddingExtensions.AddSentenceEmbeddings"/>.
/// </summary>
public sealed class SiloEmbeddingOptions
{
    /// <summary>The embedded all-MiniLM-L6-v2 (no file or network needed on the silo).</summary>
    public const string DefaultModel = "default";

    /// <summary>
    /// 5 ms: long enough for requests that arrive together to share a forward pass, short against the ~25 ms one
    /// 32-sentence batch takes on two cores (docs/scale-out.md measures the trade-off).
    /// </summary>
    public static readonly TimeSpan DefaultBatchWindow = TimeSpan.FromMilliseconds(5);

    /// <summary>Texts gathered into one encoder call; the encoder sorts them by length and runs its own batches inside.</summary>
    public const int DefaultMaxBatchTexts = 128;

    /// <summary>Texts that may wait for a batch; beyond it a request is refused at once (back-pressure, never a hang).</summary>
    public const int DefaultQueueCapacity = 4096;

    /// <summary>A name ("default", "arctic-xs"), a Hugging Face id or a model folder every silo can read (<see cref="SentenceEncoder.Load(string, SentenceEncoderOptions?)"/>).</summary>
    public string Model { get; set; } = DefaultModel;

    /// <summary>Options of the silo's encoder (threads, batch size, precision, ...); null: the defaults.</summary>
    public SentenceEncoderOptions? Encoder { get; set; }

    /// <summary>How long the first request of a batch waits for others to join it; zero: take only what is already queued.</summary>
    public TimeSpan BatchWindow { get; set; } = DefaultBatchWindow;

    /// <summary>A batch closes as soon as it holds at least this many texts.</summary>
    public int MaxBatchTexts { get; set; } = DefaultMaxBatchTexts;

    /// <summary>Most texts waiting on one silo; a request that would exceed it fails with <see cref="EmbeddingQueueFullException"/>.</summary>
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    /// <summary>Throws naming the property when a value is out of range.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Model, nameof(Model));
        if (BatchWindow < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(BatchWindow), BatchWindow, "SiloEmbeddingOptions.BatchWindow must be zero or positive.");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchTexts, 1, nameof(MaxBatchTexts));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
    }
}
