using System.CommandLine;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Cli.CommandLine;

/// <summary>
/// The options of every command that loads a bi-encoder: <c>--model</c> plus one option per property of
/// <see cref="SentenceEncoderOptions"/>, bound straight onto that type. Defaults are read from a fresh
/// <see cref="SentenceEncoderOptions"/>, so the help always prints the library's own defaults.
/// </summary>
public sealed class EncoderOptionSet
{
    private static readonly SentenceEncoderOptions Defaults = new();

    public Option<string> Model { get; } = new("--model")
    {
        Description = "default | minilm | arctic-xs | a Hugging Face Hub id (org/name) | PATH of a sentence-transformers folder",
        DefaultValueFactory = _ => "default",
    };

    public Option<PoolingMode?> Pooling { get; } = CliOptions.Parsed<PoolingMode?>("--pooling",
        "pooling, '+' to concatenate (default: the model's)", t => PoolingModes.Parse(t), ["mean", "cls", "max", "mean_sqrt_len_tokens"]);

    public Option<bool> Normalize { get; } = new("--normalize") { Description = "L2-normalise the vectors (default: the model's setting)" };

    public Option<int> BatchSize { get; } = CliOptions.Int("--batch-size", "sentences per forward pass", Defaults.BatchSize);

    public Option<string> Precision { get; } = PrecisionOption("--precision", "forward-pass precision: fp32, or bf16 (faster only on some CPUs)");

    public Option<int?> Threads { get; } = CliOptions.OptionalInt("--threads", "libtorch intra-op threads (default: one per core)");

    public Option<int?> MaxSequenceLength { get; } = CliOptions.OptionalInt("--max-seq-length",
        "tokens per sentence, [CLS] and [SEP] included; longer ones are truncated (default: the model's)", min: 2);

    public Option<string> Device { get; } = new("--device")
    {
        Description = "cpu, cuda or cuda:N (cuda needs the build with -p:TorchBackend=cuda)",
        DefaultValueFactory = _ => Defaults.Device,
    };

    public Option<string?> Revision { get; } = new("--revision")
    {
        Description = "branch, tag or commit of a Hub id (default: main); HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE are honoured",
    };

    public Option<string?> PromptName { get; } = new("--prompt-name")
    {
        Description = "one of the model's prompts (for example query), put before each text",
    };

    public Option<string?> PromptText { get; } = new("--prompt") { Description = "a literal prompt put before each text" };

    /// <param name="pooling">false for a cross-encoder, which has no pooling or normalisation to choose.</param>
    public EncoderOptionSet(bool pooling = true) => _pooling = pooling;

    private readonly bool _pooling;

    /// <summary>Adds every option to <paramref name="command"/> (and returns it, for chaining).</summary>
    public Command AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Revision, Pooling, Normalize, BatchSize, Precision, Threads, MaxSequenceLength, Device, PromptName, PromptText })
            if (_pooling || (option != Pooling && option != Normalize && option != PromptName && option != PromptText)) command.Options.Add(option);
        return command;
    }

    /// <summary>The model named by <c>--model</c> and the <see cref="SentenceEncoderOptions"/> the other options describe.</summary>
    public (string Model, SentenceEncoderOptions Options) Bind(ParseResult result) =>
        (result.GetValue(Model)!, new SentenceEncoderOptions
        {
            Pooling = result.GetValue(Pooling),
            Normalize = result.GetValue(Normalize) ? true : null,
            BatchSize = result.GetValue(BatchSize),
            Precision = ParsePrecision(result.GetValue(Precision)!),
            Threads = result.GetValue(Threads),
            MaxSequenceLength = result.GetValue(MaxSequenceLength),
            Device = result.GetValue(Device)!,
            Hub = result.GetValue(Revision) is string revision ? new Hub.HubDownloadOptions { Revision = revision } : null,
        });

    /// <summary>The prompt <c>--prompt-name</c> or <c>--prompt</c> asks for (not both); unset keeps the model's default.</summary>
    public Prompt BindPrompt(ParseResult result)
    {
        string? name = result.GetValue(PromptName), text = result.GetValue(PromptText);
        if (name is not null && text is not null) throw new UsageException("--prompt-name and --prompt: give one of them, not both.");
        return name is not null ? Prompt.Named(name) : text is not null ? Prompt.Literal(text) : default;
    }

    /// <summary>A <c>fp32 | bf16</c> option (training uses it too, for autocast).</summary>
    public static Option<string> PrecisionOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => "fp32" };
        option.AcceptOnlyFromAmong("fp32", "bf16");
        return option;
    }

    public static Precision ParsePrecision(string text) => text == "bf16" ? SentenceEmbeddings.Precision.BFloat16 : SentenceEmbeddings.Precision.Float32;
}
