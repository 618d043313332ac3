using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.SentenceEmbeddings.MLNet;

/// <summary>
/// The MLContext behind a catalog, through ML.NET's internal <c>CatalogUtils.GetEnvironment</c> (what its own
/// extensions call). One of the few non-public members this assembly uses; see build/MLNetInternals.targets.
/// </summary>
internal static class CatalogEnvironment
{
    public static IHostEnvironment Of(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        MLNetVersionGuard.EnsureSupported();
        return catalog.GetEnvironment();
    }
}
