using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Orleans;

/// <summary>
/// A corpus embedding job: shard files (.txt, .tsv, .csv, .jsonl, .parquet) on storage every silo can read, and a
/// folder every silo can write, which receives one embedding file per shard. Output <c>i</c> holds the vectors of
/// shard <c>i</c>'s rows, in row order, its Parquet "id" column counting that file's rows from 0; read in shard order,
/// the outputs are the corpus. Each shard is encoded in windows of <see cref="Window"/> rows like <c>sbert embed</c>,
/// so a shard's file equals <c>sbert embed --input shard --window Window</c>'s output with the silos' model.
/// </summary>
[GenerateSerializer, Immutable, Alias("sbert.EmbeddingJobSpec")]
public sealed record EmbeddingJobSpec
{
    /// <summary>Rows encoded together, as sbert embed's default --window.</summary>
    public const int DefaultWindow = 4096;

    /// <summary>A shard is given up on and assigned again after this long (a silo that hangs but stays in the cluster).</summary>
    public static readonly TimeSpan DefaultShardTimeout = TimeSpan.FromHours(1);

    /// <summary>Failed attempts of one shard (not counting silos lost) before the job fails.</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>The shard files, in corpus order.</summary>
    [Id(0)] public required string[] Shards { get; init; }

    /// <summary>Where the outputs go (created when missing).</summary>
    [Id(1)] public required string OutputDirectory { get; init; }

    /// <summary>The output format of every shard.</summary>
    [Id(2)] public EmbeddingFormat OutputFormat { get; init; } = EmbeddingFormat.Npy;

    /// <summary>The text column of .tsv/.csv/.parquet shards (see <see cref="CorpusReaderOptions.Column"/>).</summary>
    [Id(3)] public string? Column { get; init; }

    /// <summary>The text field of .jsonl shards (see <see cref="CorpusReaderOptions.Field"/>).</summary>
    [Id(4)] public string Field { get; init; } = CorpusReaderOptions.DefaultJsonField;

    /// <summary>Whether .tsv/.csv shards start with a header (see <see cref="CorpusReaderOptions.HasHeader"/>).</summary>
    [Id(5)] public bool? HasHeader { get; init; }

    /// <summary>Rows read ahead and encoded together.</summary>
    [Id(6)] public int Window { get; init; } = DefaultWindow;

    /// <summary>How long one shard may run before it is assigned again.</summary>
    [Id(7)] public TimeSpan ShardTimeout { get; init; } = DefaultShardTimeout;

    /// <summary>Failed attempts of one shard before the job fails.</summary>
    [Id(8)] public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>The output file of shard <paramref name="shard"/>: its position, then the shard's name, so names sort in corpus order.</summary>
    public string OutputPath(int shard) => Path.Combine(OutputDirectory,
        $"{shard:D5}-{Path.GetFileNameWithoutExtension(Shards[shard])}{EmbeddingFormats.Extension(OutputFormat)}");

    /// <summary>The job's manifest, written once every shard is done: outputs and row counts.</summary>
    public string ManifestPath => Path.Combine(OutputDirectory, "_job.json");

    internal CorpusReaderOptions ReaderOptions() => new() { Column = Column, Field = Field, HasHeader = HasHeader };

    /// <summary>Throws naming the field at fault.</summary>
    internal void Validate()
    {
        if (Shards is null || Shards.Length == 0) throw new ArgumentException("EmbeddingJobSpec.Shards: at least one shard file is needed.", nameof(Shards));
        for (int i = 0; i < Shards.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(Shards[i])) throw new ArgumentException($"EmbeddingJobSpec.Shards[{i}] is empty.", nameof(Shards));
            CorpusFormats.FromPath(Shards[i]);   // an unknown extension fails here, naming the file
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputDirectory, nameof(OutputDirectory));
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 1, nameof(Window));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        if (ShardTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ShardTimeout), ShardTimeout, "EmbeddingJobSpec.ShardTimeout must be positive.");
        var names = Enumerable.Range(0, Shards.Length).Select(OutputPath).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count) throw new ArgumentException("EmbeddingJobSpec: two shards map to one output file.", nameof(Shards));
    }

    /// <summary>Whether <paramref name="other"/> describes the same job (a resubmission).</summary>
    internal bool SameJobAs(EmbeddingJobSpec other) =>
        Shards.SequenceEqual(other.Shards) && this with { Shards = other.Shards } == other;
}
