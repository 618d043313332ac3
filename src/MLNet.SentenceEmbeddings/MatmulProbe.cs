using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings;

/// <summary>
/// Measures whether this machine multiplies bfloat16 matrices faster than float32 ones. Whether
/// <see cref="Precision.BFloat16"/> pays off depends on the CPU, not on the AVX512_BF16 flag alone: on the team's
/// 2-core Xeon (family 6 model 207, AVX512_BF16, AMX not exposed) VDPBF16PS issues at a quarter of the FMA rate (half the FLOPs), so
/// oneDNN's bf16 GEMM reaches ~160 GFLOP/s against MKL's fp32 ~300 and the bf16 encoder runs at ~0.62-0.67x fp32.
/// Encoder time is ~90% matrix multiplies, so this ratio predicts the encoder's bf16 speed-up.
/// </summary>
public static class MatmulProbe
{
    /// <summary>
    /// bf16 throughput divided by float32 throughput for one encoder-shaped linear layer ((512 x 384) by (384 x 1536),
    /// the MiniLM feed-forward at batch 32 x 16 tokens) on <paramref name="device"/>, with the current thread
    /// setting; best of a few runs, 50-100 ms on 2 CPU cores (the first call in a process includes oneDNN set-up). Above 1: bf16 is faster here.
    /// </summary>
    public static double BFloat16VsFloat32(Device? device = null, int m = 512, int k = 384, int n = 1536)
    {
        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        var dtypes = new[] { ScalarType.Float32, ScalarType.BFloat16 };
        var inputs = dtypes.Select(dtype => (
            x: randn(m, k, device: device).to_type(dtype),
            w: randn(n, k, device: device).to_type(dtype),
            b: zeros(n, dtype: dtype, device: device))).ToArray();
        var best = new[] { double.MaxValue, double.MaxValue };
        // Interleaved rounds, the first two discarded (oneDNN builds its bf16 kernel on the first call).
        for (int round = 0; round < 8; round++)
            for (int d = 0; d < dtypes.Length; d++)
            {
                long t0 = Stopwatch.GetTimestamp();
                using var y = nn.functional.linear(inputs[d].x, inputs[d].w, inputs[d].b);
                if (y.device_type != DeviceType.CPU) y.cpu().Dispose(); // wait for an accelerator
                if (round >= 2) best[d] = Math.Min(best[d], Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
        return best[0] / best[1];
    }
}
