using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Cli;

/// <summary>The options every command that loads an encoder shares.</summary>
public static class EncoderArguments
{
    public const string Help =
        "  --model M          default | minilm | arctic-xs | PATH of a sentence-transformers folder (default: default)\n" +
        "  --pooling P        mean | cls | max | mean_sqrt_len_tokens, '+' to concatenate (default: the model's)\n" +
        "  --normalize        L2-normalise the vectors (default: the model's setting)\n" +
        "  --batch-size N     sentences per forward pass (default 32)\n" +
        "  --precision P      fp32 | bf16 (default fp32)\n" +
        "  --threads N        libtorch intra-op threads (default: one per core)\n";

    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "normalize" };

    public static (string Model, SentenceEncoderOptions Options) Read(ArgumentReader args)
    {
        var options = new SentenceEncoderOptions();
        string model = args.Optional("model") ?? "default";
        if (args.Optional("pooling") is string p)
        {
            try { options.Pooling = PoolingModes.Parse(p); }
            catch (ArgumentException e) { throw new UsageException("--pooling: " + e.Message); }
        }
        if (args.Flag("normalize")) options.Normalize = true;
        options.BatchSize = args.Int("batch-size", 1) ?? options.BatchSize;
        options.Threads = args.Int("threads", 1);
        options.Precision = ParsePrecision(args.Optional("precision") ?? "fp32");
        return (model, options);
    }

    public static Precision ParsePrecision(string text) => text.ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Float32,
        "bf16" or "bfloat16" => Precision.BFloat16,
        _ => throw new UsageException($"--precision expects fp32 or bf16, got '{text}'."),
    };
}
