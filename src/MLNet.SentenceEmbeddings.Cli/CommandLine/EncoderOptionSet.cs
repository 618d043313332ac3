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

    public Option<float[]?> LayerWeights { get; } = CliOptions.Parsed<float[]?>("--layer-weights",
        "average hidden states before pooling, one weight each: the embeddings' output, then every layer (0,1,0,0,0,0,1: a 6-layer model's first and last; default: the last layer)",
        Modules.WeightedLayerPoolingModule.ParseWeights, []);

    public Option<bool> Normalize { get; } = new("--normalize") { Description = "L2-normalise the vectors (default: the model's setting)" };

    public Option<int> BatchSize { get; } = CliOptions.Int("--batch-size", "sentences per forward pass", Defaults.BatchSize);

    /// <summary>fp32 | bf16, and int8 where <c>--backend onnx</c> is offered (bi-encoders).</summary>
    public Option<string> Precision { get; }

    public Option<string> Backend { get; } = BackendOption();

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
    public EncoderOptionSet(bool pooling = true)
    {
        _pooling = pooling;
        Precision = pooling
            ? PrecisionOption("--precision", "forward-pass precision: fp32; bf16 (--backend torch; faster only on some CPUs); int8 (--backend onnx)", "fp32", "bf16", "int8")
            : PrecisionOption("--precision", "forward-pass precision: fp32, or bf16 (faster only on some CPUs)");
    }

    private readonly bool _pooling;

    /// <summary>Adds every option to <paramref name="command"/> (and returns it, for chaining).</summary>
    public Command AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Revision, Pooling, LayerWeights, Normalize, Backend, BatchSize, Precision, Threads, MaxSequenceLength, Device, PromptName, PromptText })
            if (_pooling || (option != Pooling && option != LayerWeights && option != Normalize && option != PromptName && option != PromptText && option != Backend)) command.Options.Add(option);
        return command;
    }

    /// <summary>The model named by <c>--model</c> and the <see cref="SentenceEncoderOptions"/> the other options describe.</summary>
    public (string Model, SentenceEncoderOptions Options) Bind(ParseResult result) =>
        (result.GetValue(Model)!, new SentenceEncoderOptions
        {
            Backend = _pooling ? BindBackend(result) : InferenceBackend.TorchSharp,
            Pooling = result.GetValue(Pooling),
            LayerWeights = _pooling ? result.GetList(LayerWeights) : null,
            Normalize = result.GetValue(Normalize) ? true : null,
            BatchSize = result.GetValue(BatchSize),
            Precision = ParsePrecision(result.GetValue(Precision)!),
            Threads = result.GetValue(Threads),
            MaxSequenceLength = result.GetValue(MaxSequenceLength),
            Device = result.GetValue(Device)!,
            Hub = result.GetValue(Revision) is string revision ? new Hub.HubDownloadOptions { Revision = revision } : null,
        });

    /// <summary><c>--backend</c>, checked against <c>--precision</c> and <c>--device</c> (a wrong pair fails naming both options).</summary>
    private InferenceBackend BindBackend(ParseResult result)
    {
        string backend = result.GetValue(Backend)!, precision = result.GetValue(Precision)!, device = result.GetValue(Device)!;
        if (backend == "onnx")
        {
            if (precision == "bf16") throw new UsageException("--precision bf16 runs on TorchSharp only: use --backend torch, or --precision fp32 or int8 with --backend onnx.");
            if (!string.Equals(device, "cpu", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--device {device}: --backend onnx runs on the CPU only.");
            return InferenceBackend.OnnxRuntime;
        }
        if (precision == "int8") throw new UsageException("--precision int8 runs on ONNX Runtime only: add --backend onnx.");
        return InferenceBackend.TorchSharp;
    }

    /// <summary>The prompt <c>--prompt-name</c> or <c>--prompt</c> asks for (not both); unset keeps the model's default.</summary>
    public Prompt BindPrompt(ParseResult result)
    {
        string? name = result.GetValue(PromptName), text = result.GetValue(PromptText);
        if (name is not null && text is not null) throw new UsageException("--prompt-name and --prompt: give one of them, not both.");
        return name is not null ? Prompt.Named(name) : text is not null ? Prompt.Literal(text) : default;
    }

    /// <summary>A precision option, <c>fp32 | bf16</c> unless <paramref name="values"/> say otherwise (training uses it too, for autocast).</summary>
    public static Option<string> PrecisionOption(string name, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => "fp32" };
        option.AcceptOnlyFromAmong(values.Length > 0 ? values : ["fp32", "bf16"]);
        return option;
    }

    /// <summary><c>--backend torch | onnx</c>: what runs inference (<see cref="SentenceEncoderOptions.Backend"/>).</summary>
    private static Option<string> BackendOption()
    {
        var option = new Option<string>("--backend")
        {
            Description = "what runs inference: torch (TorchSharp, default) or onnx (ONNX Runtime on the CPU, the model exported in memory at load; fp32 or int8)",
            DefaultValueFactory = _ => "torch",
        };
        option.AcceptOnlyFromAmong("torch", "onnx");
        return option;
    }

    public static Precision ParsePrecision(string text) => text switch
    {
        "bf16" => SentenceEmbeddings.Precision.BFloat16,
        "int8" => SentenceEmbeddings.Precision.Int8,
        _ => SentenceEmbeddings.Precision.Float32,
    };
}
