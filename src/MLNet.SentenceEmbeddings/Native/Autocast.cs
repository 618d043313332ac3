using System.Runtime.InteropServices;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.Native;

/// <summary>
/// libtorch's CPU autocast (what <c>torch.autocast("cpu", dtype=torch.bfloat16)</c> does in Python), which TorchSharp
/// 0.107 does not expose. While a scope is open on a thread, libtorch runs the ops on its lower-precision list
/// (linear, matmul, bmm, scaled_dot_product_attention, ...) in bfloat16 and keeps the rest, and the weights, in float32;
/// gradients reach the float32 weights through the recorded casts.
/// </summary>
/// <remarks>
/// The switch lives in libtorch_cpu.so as C++ functions (at::autocast::*) with plain enum and bool arguments, so they
/// are called through their mangled names. Autocast state is per thread, like in PyTorch: open and close the scope on
/// the thread that runs the forward pass, and run backward outside it (PyTorch's advice).
/// </remarks>
public static unsafe class Autocast
{
    // c10::DeviceType::CPU and c10::ScalarType::BFloat16 (int8 enums in c10/core).
    private const sbyte CpuDevice = 0;
    private const sbyte BFloat16Type = 15;

    private static readonly Lazy<Functions> Native = new(Bind);

    private sealed class Functions
    {
        public delegate* unmanaged<sbyte, byte, void> SetEnabled;
        public delegate* unmanaged<sbyte, byte> IsEnabled;
        public delegate* unmanaged<sbyte, sbyte, void> SetDtype;
        public delegate* unmanaged<sbyte, sbyte> GetDtype;
        public delegate* unmanaged<long> IncrementNesting;
        public delegate* unmanaged<long> DecrementNesting;
        public delegate* unmanaged<void> ClearCache;
    }

    /// <summary>Whether CPU autocast is on for the calling thread.</summary>
    public static bool IsEnabled => Native.Value.IsEnabled(CpuDevice) != 0;

    /// <summary>
    /// Turns bfloat16 CPU autocast on for the calling thread until the returned scope is disposed (on the same thread).
    /// Scopes nest; the previous state comes back on dispose.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">This libtorch does not export the autocast functions.</exception>
    public static IDisposable BFloat16() => new Scope(Native.Value);

    private sealed class Scope : IDisposable
    {
        private readonly Functions _f;
        private readonly bool _wasEnabled;
        private readonly sbyte _previousDtype;
        private readonly int _thread = Environment.CurrentManagedThreadId;
        private bool _disposed;

        public Scope(Functions f)
        {
            _f = f;
            _wasEnabled = f.IsEnabled(CpuDevice) != 0;
            _previousDtype = f.GetDtype(CpuDevice);
            f.SetDtype(CpuDevice, BFloat16Type);
            f.SetEnabled(CpuDevice, 1);
            f.IncrementNesting();
        }

        public void Dispose()
        {
            if (_disposed) return;
            if (Environment.CurrentManagedThreadId != _thread)
                throw new InvalidOperationException("An autocast scope must be disposed on the thread that opened it (autocast state is per thread).");
            _disposed = true;
            // As torch.autocast.__exit__: the cache of bfloat16 weight copies lives until the outermost scope closes,
            // so weights updated by the optimizer are cast afresh in the next step.
            if (_f.DecrementNesting() == 0) _f.ClearCache();
            _f.SetEnabled(CpuDevice, _wasEnabled ? (byte)1 : (byte)0);
            _f.SetDtype(CpuDevice, _previousDtype);
        }
    }

    private static Functions Bind()
    {
        TorchNativeLoader.EnsureLoaded();
        torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch_cpu.so
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", typeof(torch).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out IntPtr lib)
            && !NativeLibrary.TryLoad("libtorch_cpu.so", out lib))
            throw new PlatformNotSupportedException("bf16 autocast needs libtorch_cpu.so, which could not be found in this process.");
        IntPtr Export(string mangled, string readable) => NativeLibrary.TryGetExport(lib, mangled, out IntPtr p)
            ? p : throw new PlatformNotSupportedException($"bf16 autocast: libtorch_cpu.so does not export {readable} ({mangled}); this libtorch version is not supported.");
        return new Functions
        {
            SetEnabled = (delegate* unmanaged<sbyte, byte, void>)Export("_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb", "at::autocast::set_autocast_enabled(DeviceType, bool)"),
            IsEnabled = (delegate* unmanaged<sbyte, byte>)Export("_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE", "at::autocast::is_autocast_enabled(DeviceType)"),
            SetDtype = (delegate* unmanaged<sbyte, sbyte, void>)Export("_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE", "at::autocast::set_autocast_dtype(DeviceType, ScalarType)"),
            GetDtype = (delegate* unmanaged<sbyte, sbyte>)Export("_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE", "at::autocast::get_autocast_dtype(DeviceType)"),
            IncrementNesting = (delegate* unmanaged<long>)Export("_ZN2at8autocast17increment_nestingEv", "at::autocast::increment_nesting()"),
            DecrementNesting = (delegate* unmanaged<long>)Export("_ZN2at8autocast17decrement_nestingEv", "at::autocast::decrement_nesting()"),
            ClearCache = (delegate* unmanaged<void>)Export("_ZN2at8autocast11clear_cacheEv", "at::autocast::clear_cache()"),
        };
    }
}
