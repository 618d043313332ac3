using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Cli.Embedding;

/// <summary>What <c>sbert embed</c> was asked to do.</summary>
/// <param name="Input">The corpus file.</param>
/// <param name="Reader">Where the text is in it.</param>
/// <param name="Output">The embedding file; its extension picks the format.</param>
/// <param name="Window">Rows read ahead and encoded together (memory is bounded by it); also the unit of resume parts and shards.</param>
/// <param name="Resume">Write atomic parts and a manifest beside the output, and reuse those of an earlier run.</param>
/// <param name="Shard">Which contiguous run of windows to embed.</param>
/// <param name="Model">Model name or folder.</param>
/// <param name="Encoder">Encoder options.</param>
public sealed record EmbedSettings(string Input, CorpusReaderOptions Reader, string Output, int Window, bool Resume, ShardRange Shard,
    string Model, SentenceEncoderOptions Encoder)
{
    /// <summary>The prompt before each text (--prompt-name / --prompt); unset: the model's default prompt, if any.</summary>
    public Prompt Prompt { get; init; }
}

/// <summary>What a run did.</summary>
public sealed record EmbedResult(long FirstRow, long Rows, int Dimension, long WindowsReused, string Model, long Truncated, int MaxSequenceLength);
