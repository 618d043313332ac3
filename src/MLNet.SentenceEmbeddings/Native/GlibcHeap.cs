using System.Runtime.InteropServices;

namespace MLNet.SentenceEmbeddings.Native;

/// <summary>
/// Keeps memory that libtorch frees in the process heap instead of handing it back to the kernel. A training step or
/// an encoded batch frees and allocates the same large buffers every time (activations, gradients, optimizer
/// temporaries: the word-embedding gradient of a 30,522 x 384 vocabulary alone is 47 MB). glibc serves blocks above its
/// mmap threshold (at most 32 MB) with a fresh mapping and trims the heap's free top, so each training step touched
/// about 50,000 new pages and each sentence encoded about a hundred, one page fault each, which on a virtual machine is
/// a trip to the hypervisor (docs/training.md, training throughput).
/// </summary>
/// <remarks>
/// Process-wide and permanent, as glibc's settings are: the heap stays at its peak instead of shrinking. Applied once,
/// when the first model is placed on the CPU (unless <see cref="EncoderOptions.KeepFreedMemory"/> is false); a no-op
/// where the C library is not glibc (mallopt missing or refusing).
/// </remarks>
internal static class GlibcHeap
{
    // glibc malloc.h: M_TRIM_THRESHOLD, M_MMAP_MAX.
    private const int TrimThreshold = -1, MmapMax = -4;
    private static int _applied;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    /// <summary>Whether the settings were applied in this process (false before the first call and off glibc).</summary>
    public static bool KeepsFreedMemory { get; private set; }

    public static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _applied, 1) == 1) return;
        try
        {
            // No block from mmap (so none is unmapped on free), and never trim the heap's top.
            KeepsFreedMemory = Mallopt(MmapMax, 0) == 1 & Mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
    }
}
