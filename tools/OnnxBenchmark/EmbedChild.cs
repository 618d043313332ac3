using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Onnx;

namespace MLNet.SentenceEmbeddings.OnnxBenchmark;

/// <summary>
/// One embedding job as a CLI user runs it: start, load the model, embed the lines of a file, write the vectors, exit.
/// <c>speed</c> times this process from start to exit for each backend.
/// </summary>
public static class EmbedChild
{
    public static void Run(BenchArgs args)
    {
        string backend = args.Required("backend"), model = args.Required("model"), input = args.Required("input");
        var options = new SentenceEncoderOptions { Threads = args.Int("threads", 2), BatchSize = args.Int("batch", 32) };
        var lines = File.ReadAllLines(input).ToList<string?>();
        float[][] vectors = backend switch
        {
            "torch" => Torch(model, options, lines),
            "onnx" => Onnx(model, options, lines),
            _ => throw new ArgumentException($"--backend '{backend}': expected torch or onnx."),
        };
        if (args.Optional("output") is { } output)
        {
            AtomicFile.Write(output, file =>
            {
                foreach (var v in vectors) file.Write(MemoryMarshal.AsBytes(v.AsSpan()));
            });
        }
    }

    // Separate methods, not inlined: the ONNX path must not load MLNet.SentenceEmbeddings.dll (whose module
    // initializer loads libtorch), just as a serving app that references MLNet.SentenceEmbeddings.Onnx alone.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[][] Torch(string model, SentenceEncoderOptions options, List<string?> lines)
    {
        using var encoder = SentenceEncoder.Load(model, options);
        return encoder.Encode(lines);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float[][] Onnx(string model, SentenceEncoderOptions options, List<string?> lines)
    {
        using var encoder = OnnxSentenceEncoder.Load(model, options);
        return encoder.Encode(lines);
    }
}
