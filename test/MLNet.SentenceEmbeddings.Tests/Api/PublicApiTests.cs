using System.Reflection;
using System.Text;
using MLNet.SentenceEmbeddings.MLNet;
using MLNet.SentenceEmbeddings.Tests.Packaging;
using PublicApiGenerator;

namespace MLNet.SentenceEmbeddings.Tests.Api;

/// <summary>
/// docs/api.md is the approved public surface of the packages, generated from the built assemblies. A change of the
/// public API fails here until docs/api.md is regenerated and reviewed:
/// <c>SBERT_ACCEPT_API=1 dotnet test test/MLNet.SentenceEmbeddings.Tests -c Release --filter PublicApiTests</c>.
/// </summary>
[TestClass]
public sealed class PublicApiTests
{
    private const string AcceptVariable = "SBERT_ACCEPT_API";

    private static string ApiMd => Path.Combine(LocalPackages.RepositoryRoot, "docs", "api.md");

    internal static string Render()
    {
        // The catalog extensions live in namespace Microsoft.ML (as ML.NET's own packages do), which the generator skips unless allowed.
        var options = new ApiGeneratorOptions { IncludeAssemblyAttributes = false, AllowNamespacePrefixes = new[] { "Microsoft.ML" } };
        // Orleans' source generator emits public serializers and invokers there: generated plumbing, not our API.
        options.DenyNamespacePrefixes = options.DenyNamespacePrefixes.Append("OrleansCodeGen").ToArray();
        var text = new StringBuilder();
        text.Append("# Public API\n\n");
        text.Append("The public types and members of the packages, generated from the built assemblies by\n");
        text.Append("`test/MLNet.SentenceEmbeddings.Tests/Api/PublicApiTests.cs` (do not edit by hand). A change of the public API\n");
        text.Append("fails that test until this file is regenerated with\n");
        text.Append($"`{AcceptVariable}=1 dotnet test test/MLNet.SentenceEmbeddings.Tests -c Release --filter PublicApiTests` and the diff\n");
        text.Append("is reviewed. Guides: [getting started](getting-started.md), [concepts](concepts.md), [ML.NET](mlnet.md).\n");
        foreach (var assembly in new[] { typeof(global::MLNet.SentenceEmbeddings.Onnx.OnnxSentenceEncoder).Assembly, typeof(SentenceEncoder).Assembly, typeof(SentenceEmbeddingEstimator).Assembly, typeof(global::MLNet.SentenceEmbeddings.Orleans.ClusterEmbeddingGenerator).Assembly })
        {
            text.Append($"\n## {assembly.GetName().Name}\n\n```csharp\n");
            text.Append(assembly.GeneratePublicApi(options).ReplaceLineEndings("\n").TrimEnd());
            text.Append("\n```\n");
        }
        return text.ToString();
    }

    [TestMethod]
    public void DocsApiMdIsThePublicSurface()
    {
        string expected = Render();
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(ApiMd, expected);
            return;
        }
        string actual = File.Exists(ApiMd) ? File.ReadAllText(ApiMd).ReplaceLineEndings("\n") : "";
        if (actual == expected) return;
        string received = Path.ChangeExtension(ApiMd, ".received.md");
        File.WriteAllText(received, expected);
        var a = actual.Split('\n');
        var e = expected.Split('\n');
        int line = Enumerable.Range(0, Math.Min(a.Length, e.Length)).FirstOrDefault(i => a[i] != e[i], Math.Min(a.Length, e.Length));
        Assert.Fail($"The public API differs from docs/api.md from line {line + 1}:\n" +
                    $"  docs/api.md: {(line < a.Length ? a[line] : "<end>")}\n  built:       {(line < e.Length ? e[line] : "<end>")}\n" +
                    $"The built surface is in {received}; if the change is intended, run {AcceptVariable}=1 dotnet test ... --filter PublicApiTests.");
    }

    [TestMethod]
    public void RenderListsTheEntryPoints()
    {
        string api = Render();
        foreach (var expected in new[]
                 {
                     "public sealed class SentenceEncoder : System.IDisposable",
                     "public sealed class SentenceEmbeddingGenerator : Microsoft.Extensions.AI.IEmbeddingGenerator",
                     "public static MLNet.SentenceEmbeddings.MLNet.SentenceEmbeddingEstimator SentenceEmbedding(this Microsoft.ML.TransformsCatalog catalog",
                 })
            StringAssert.Contains(api, expected);
        Assert.DoesNotContain("internal ", api);
    }
}
