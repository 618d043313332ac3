using System.IO.Compression;

namespace MLNet.SentenceEmbeddings.Tests.Packaging;

[TestClass]
public sealed class PackageConsumerTests
{
    private static string Template(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Packaging", "consumer", name));

    [TestMethod]
    public void PackagesCarryReadmeLicenceDocsAndExactMLNetDependency()
    {
        string feed = LocalPackages.Packed;
        using (var core = ZipFile.OpenRead(Path.Combine(feed, $"MLNet.SentenceEmbeddings.{LocalPackages.Version}.nupkg")))
        {
            var names = core.Entries.Select(e => e.FullName).ToHashSet();
            foreach (var expected in new[] { "README.md", "LICENSE", "lib/net10.0/MLNet.SentenceEmbeddings.dll", "lib/net10.0/MLNet.SentenceEmbeddings.xml" })
                Assert.Contains(expected, names);
            string nuspec = new StreamReader(core.GetEntry("MLNet.SentenceEmbeddings.nuspec")!.Open()).ReadToEnd();
            StringAssert.Contains(nuspec, "<license type=\"expression\">MIT</license>");
            StringAssert.Contains(nuspec, "id=\"TorchSharp-cpu\"");
            Assert.DoesNotContain("id=\"Microsoft.ML\" version=\"[5.0.1]\"", nuspec, "the encoder package must not pin ML.NET");
        }
        using var glue = ZipFile.OpenRead(Path.Combine(feed, $"MLNet.SentenceEmbeddings.MLNet.{LocalPackages.Version}.nupkg"));
        string glueSpec = new StreamReader(glue.GetEntry("MLNet.SentenceEmbeddings.MLNet.nuspec")!.Open()).ReadToEnd();
        StringAssert.Contains(glueSpec, "id=\"Microsoft.ML\" version=\"[5.0.1]\"");
        StringAssert.Contains(glueSpec, $"id=\"MLNet.SentenceEmbeddings\" version=\"{LocalPackages.Version}\"");
        Assert.IsFalse(glue.Entries.Any(e => e.FullName.Contains("MLNetPublicizer") || e.FullName.Contains("publicized")),
            "the build-time publicizer must not ship");
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void FreshConsoleProjectRestoresThePackagesEmbedsAndRunsTheTransform()
    {
        string dir = Fixtures.NewTempDir();
        try { RunConsumer(dir); }
        // The scratch project's bin holds a copy of libtorch (hundreds of MB): never leave it behind.
        finally { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }
    }

    private static void RunConsumer(string dir)
    {
        LocalPackages.WriteNuGetConfig(dir);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), Template("Consumer.csproj.txt").Replace("$PACKAGE_VERSION$", LocalPackages.Version));
        File.WriteAllText(Path.Combine(dir, "Program.cs"), Template("Program.cs.txt"));

        var (code, output) = LocalPackages.Dotnet(dir, TimeSpan.FromMinutes(8), "run", "-c", "Release");
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "DIM 384");
        StringAssert.Contains(output, "GENERATED_DIM 128");
        StringAssert.Contains(output, "TRANSFORM_ROWS 2 DIM 384");
        StringAssert.Contains(output, "TRANSFORM_MATCHES_ENCODER True");
        StringAssert.Contains(output, "RELOADED_MATCHES True");
        double related = double.Parse(output.Split('\n').Single(l => l.StartsWith("COS_RELATED")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        double unrelated = double.Parse(output.Split('\n').Single(l => l.StartsWith("COS_UNRELATED")).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsGreaterThan(unrelated, related, output);
        // It ran against the packed assemblies, not the repository's build output.
        string restored = File.ReadAllText(Path.Combine(dir, "obj", "project.assets.json"));
        StringAssert.Contains(restored, $"MLNet.SentenceEmbeddings.MLNet/{LocalPackages.Version}");
    }
}
