using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings;

/// <summary>Where and in which precision the bi-encoder and the cross-encoder run.</summary>
internal static class ModelSetup
{
    /// <summary>
    /// Sets the thread count, moves <paramref name="modules"/> to the device, casts <paramref name="transformer"/> to
    /// bf16 when asked (pooling, Dense and heads stay float32), and puts everything in eval mode.
    /// </summary>
    public static Device Place(EncoderOptions options, nn.Module transformer, params nn.Module[] modules)
    {
        var device = torch.device(options.Device);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        if (options.KeepFreedMemory && device.type == DeviceType.CPU) Native.GlibcHeap.KeepFreedMemory();
        foreach (var m in modules)
        {
            m.to(device);
            m.eval();
        }
        if (options.Precision == Precision.BFloat16) transformer.to(ScalarType.BFloat16);
        // bf16 is slower than fp32 on CPUs whose bf16 dot product issues at a fraction of the FMA rate (the team's
        // 2-core Xeon: 0.53x per GEMM). Say so once, where the caller listens; costs 50-100 ms, only then.
        if (options.Precision == Precision.BFloat16 && options.Log is { } log && device.type == DeviceType.CPU)
        {
            double ratio = MatmulProbe.BFloat16VsFloat32(device);
            if (ratio < 1.0)
                log($"precision bf16: this CPU multiplies bf16 matrices at {ratio:F2}x its float32 speed, so the model will be slower than with Precision.Float32 (see docs/benchmarks.md)");
        }
        return device;
    }
}
