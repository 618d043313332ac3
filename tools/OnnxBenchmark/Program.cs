using MLNet.SentenceEmbeddings.OnnxBenchmark;

// dotnet run -c Release --project tools/OnnxBenchmark -- <command> [options]
//   kernels  int8 kernel variants: ONNX Runtime's fused ops, speed and agreement with fp32  -> docs/onnx.md
//   speed    ORT int8 vs ORT fp32 (10k STSb sentences, interleaved), STSb Spearman, and TorchSharp vs ORT as
//            whole processes (start to exit), with the targets met or missed                -> docs/benchmarks.md
//   node-check  onnxruntime-node (tools/onnx-node-check) embeds C#-tokenized STSb with an exported file  -> docs/onnx.md
//   footprint   what an embed-only and a training console app restore and publish (linux-x64)     -> docs/onnx.md
//   profile     ONNX Runtime per-operator time of the fp32 and int8 graphs                          -> docs/onnx.md
//   embed    one embedding run as a process (what `speed` times); not for direct use
var args2 = BenchArgs.Parse(args);
try
{
    switch (args2.Command)
    {
        case "kernels": KernelComparison.Run(args2); break;
        case "speed": SpeedBenchmark.Run(args2); break;
        case "embed": EmbedChild.Run(args2); break;
        case "node-check": NodeCheck.Run(args2); break;
        case "footprint": Footprint.Run(args2); break;
        case "profile": OperatorProfile.Run(args2); break;
        default:
            Console.Error.WriteLine("usage: OnnxBenchmark kernels|speed|node-check|footprint|profile [--threads N] [--rounds N] [--sentences N] [--data DIR] [--output FILE]");
            return 2;
    }
    return 0;
}
catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
