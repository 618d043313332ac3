using System.Reflection;
using Microsoft.ML;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// This assembly binds to non-public members of exactly one ML.NET version. NuGet only warns (NU1608) when an
/// application lifts Microsoft.ML above the pinned [5.0.1], so fail here with a clear message rather than with a
/// MissingMethodException inside Save or Load.
/// </summary>
internal static class MLNetVersionGuard
{
    public const string Supported = "5.0.1";
    private static readonly string? Problem = Check();

    private static string? Check()
    {
        foreach (var asm in new[] { typeof(ModelSaveContext).Assembly, typeof(Microsoft.ML.Data.TransformerChain<>).Assembly })
        {
            var v = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            if (!(v == Supported || v.StartsWith(Supported + "+", StringComparison.Ordinal) || v.StartsWith(Supported + "-", StringComparison.Ordinal)))
                return $"{asm.GetName().Name} {v} is loaded, but MLNet.SentenceEmbeddings.MLNet supports Microsoft.ML {Supported} only.";
        }
        return null;
    }

    public static void EnsureSupported()
    {
        if (Problem is not null) throw new NotSupportedException(Problem);
    }
}
