using System.Runtime.CompilerServices;

namespace MLNet.SentenceEmbeddings.Native;

internal static class ModuleInit
{
    /// <summary>
    /// Prepares TorchSharp's native library as soon as this assembly loads, so that even a caller who touches
    /// TorchSharp before our types works on Debian 12. Failures are kept and rethrown by the first encoder created.
    /// </summary>
#pragma warning disable CA2255 // a library initializer is the point: no manual step for users
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        try { TorchNativeLoader.EnsureLoaded(); }
        catch (Exception) { /* kept by TorchNativeLoader; reported where it matters */ }
    }
}
