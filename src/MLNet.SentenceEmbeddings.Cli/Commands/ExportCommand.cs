using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Onnx;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>
/// <c>sbert export</c>: an encoder as one ONNX graph (token ids in, <c>sentence_embedding</c> (batch, dimension) out,
/// pooling, Dense and Normalize inside), float32 or int8; or, with <c>--python-layout</c>, a saved model folder with
/// sentence-transformers' <c>onnx/</c> files for Python's <c>backend="onnx"</c>.
/// </summary>
public static class ExportCommand
{
    private static readonly EncoderOptionSet Encoder = new();
    private static readonly Option<string> Output = new("--output")
    {
        Description = "folder to write into: model.onnx (float32) or model_int8.onnx (--quantize int8); with --python-layout, " +
                      "a saved model folder with onnx/model.onnx (and onnx/model_qint8_avx512_vnni.onnx), replaced whole",
        Required = true,
    };
    private static readonly Option<string?> Quantize = QuantizeOption();
    private static readonly Option<bool> PythonLayout = new("--python-layout")
    {
        Description = "write sentence-transformers' layout (the transformer alone, Python pools) for SentenceTransformer(DIR, backend=\"onnx\")",
    };
    private static readonly Option<bool> StandardOps = new("--standard-ops")
    {
        Description = "int8 with standard ONNX operators only (no ONNX Runtime contrib QAttention), for other runtimes",
    };
    private static readonly Option<bool> Json = CliOptions.Json("files, dimension, precision, seconds");

    public static Command Create()
    {
        var command = new Command("export", "export an encoder to ONNX (pooling, Dense and Normalize in the graph; float32 or int8) " +
            "for ONNX Runtime, MLNet.SentenceEmbeddings.Onnx or any ONNX client")
        {
            Encoder.Model, Encoder.Revision, Encoder.Pooling, Encoder.Normalize, Encoder.MaxSequenceLength, Output, Quantize, PythonLayout, StandardOps, Json,
        };
        return command.SetRun((r, ct) => Run(r, Console.Out, Console.Error));
    }

    private static Option<string?> QuantizeOption()
    {
        var option = new Option<string?>("--quantize") { Description = "int8: dynamic int8 (weights per output channel, activations per batch)" };
        option.AcceptOnlyFromAmong("int8");
        return option;
    }

    private static int Run(ParseResult args, TextWriter stdout, TextWriter log)
    {
        string model = args.GetValue(Encoder.Model)!, output = args.GetValue(Output)!;
        bool int8 = args.GetValue(Quantize) == "int8", python = args.GetValue(PythonLayout), standard = args.GetValue(StandardOps);
        if (File.Exists(output)) throw new UsageException($"--output {output} is a file; give the folder to write into.");
        if (standard && !int8) throw new UsageException("--standard-ops applies to --quantize int8 (float32 graphs use standard operators only).");
        if (python && standard) throw new UsageException("--standard-ops and --python-layout: the Python layout's int8 file is written with its own settings; give one of them.");
        var options = new SentenceEncoderOptions
        {
            Pooling = args.GetValue(Encoder.Pooling),
            Normalize = args.GetValue(Encoder.Normalize) ? true : null,
            MaxSequenceLength = args.GetValue(Encoder.MaxSequenceLength),
            Hub = args.GetValue(Encoder.Revision) is string revision ? new Hub.HubDownloadOptions { Revision = revision } : null,
            Log = log.WriteLine,
        };
        var clock = Stopwatch.StartNew();
        using var encoder = Models.LoadEncoder(model, options);
        IReadOnlyList<string> files;
        if (python)
        {
            encoder.Save(output);
            files = encoder.ExportSentenceTransformersOnnx(output, int8);
        }
        else
        {
            var precision = int8 ? OnnxPrecision.Int8 : OnnxPrecision.Float32;
            string path = Path.Combine(output, OnnxGraphNames.DefaultFileName(precision));
            encoder.ExportOnnx(path, new OnnxExportOptions { Precision = precision, StandardOperatorsOnly = standard });
            files = new[] { path };
        }
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (var f in files) log.WriteLine($"wrote {f} ({new FileInfo(f).Length / 1e6:F1} MB)");
        if (args.GetValue(Json))
            stdout.WriteLine(new JsonObject
            {
                ["files"] = new JsonArray(files.Select(f => (JsonNode?)Path.GetFullPath(f)).ToArray()),
                ["dimension"] = encoder.Dimension,
                ["precision"] = int8 ? "int8" : "fp32",
                ["layout"] = python ? "sentence-transformers" : "sentence_embedding",
                ["pooling"] = PoolingModes.ToName(encoder.Pooling.Mode),
                ["normalize"] = encoder.Normalizes,
                ["max_seq_length"] = encoder.Tokenizer.MaxSequenceLength,
                ["seconds"] = Math.Round(seconds, 3),
            }.ToJsonString());
        else
            foreach (var f in files) stdout.WriteLine(f);
        return 0;
    }
}
