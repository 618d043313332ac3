using System.Diagnostics;
using System.Reflection;

namespace MLNet.SentenceEmbeddings.Tests.Packaging;

/// <summary>
/// Packs the two library packages into artifacts/packages once per test run (from the assemblies this test run built,
/// so nothing is compiled twice), packs the sbert tool on demand, and runs `dotnet` commands in scratch folders as a user would.
/// </summary>
public static class LocalPackages
{
    private static readonly Lazy<string> PackedLazy = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> PackedToolLazy = new(PackTool, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string Metadata(string key) => typeof(LocalPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));
    public static string Configuration => Metadata("BuildConfiguration");
    public static string Version => Metadata("PackageVersion");
    public static string Feed => Path.Combine(RepositoryRoot, "artifacts", "packages");

    /// <summary>The local feed, after `dotnet pack --no-build` of the solution has filled it.</summary>
    public static string Packed => PackedLazy.Value;

    /// <summary>
    /// The local feed after the sbert tool (MLNet.SentenceEmbeddings.Cli and its linux-x64 package) was packed too. The
    /// tool is RID-specific, so its pack builds the linux-x64 variant: minutes, hence only for the test that installs it.
    /// </summary>
    public static string PackedTool => PackedToolLazy.Value;

    private static string Pack()
    {
        // A project packed on its own resolves the ML.NET publicizer (a build tool it references, outside the solution)
        // in this configuration, while the solution build made it in Debug: build that one small tool here first.
        var (toolCode, toolOutput) = Dotnet(RepositoryRoot, TimeSpan.FromMinutes(5),
            "build", Path.Combine(RepositoryRoot, "tools", "MLNetPublicizer", "MLNetPublicizer.csproj"), "-c", Configuration);
        if (toolCode != 0) throw new InvalidOperationException($"building tools/MLNetPublicizer failed ({toolCode}):\n{toolOutput}");
        // The libraries only: the tool cannot be packed --no-build (see PackedTool).
        foreach (var (id, project) in new[] { ("MLNet.SentenceEmbeddings.Onnx", "MLNet.SentenceEmbeddings.Onnx"), ("MLNet.SentenceEmbeddings", "MLNet.SentenceEmbeddings"), ("MLNet.SentenceEmbeddings.MLNet", "MLNet.SentenceEmbeddings.MLNet") })
        {
            var (code, output) = Dotnet(RepositoryRoot, TimeSpan.FromMinutes(5),
                "pack", Path.Combine(RepositoryRoot, "src", project, project + ".csproj"), "-c", Configuration, "--no-build");
            if (code != 0) throw new InvalidOperationException($"dotnet pack failed ({code}):\n{output}");
            string nupkg = Path.Combine(Feed, $"{id}.{Version}.nupkg");
            if (!File.Exists(nupkg)) throw new FileNotFoundException($"dotnet pack did not write {nupkg}:\n{output}", nupkg);
        }
        return Feed;
    }

    private static string PackTool()
    {
        _ = Packed;
        var (code, output) = Dotnet(RepositoryRoot, TimeSpan.FromMinutes(15),
            "pack", Path.Combine(RepositoryRoot, "src", "MLNet.SentenceEmbeddings.Cli", "MLNet.SentenceEmbeddings.Cli.csproj"), "-c", Configuration);
        if (code != 0) throw new InvalidOperationException($"dotnet pack of the tool failed ({code}):\n{output}");
        foreach (var name in new[] { $"MLNet.SentenceEmbeddings.Cli.{Version}.nupkg", $"MLNet.SentenceEmbeddings.Cli.linux-x64.{Version}.nupkg" })
            if (!File.Exists(Path.Combine(Feed, name))) throw new FileNotFoundException($"dotnet pack did not write {name}:\n{output}", name);
        return Feed;
    }

    /// <summary>A NuGet.config for a scratch project: the default feed(s) from the user's config plus our local feed.</summary>
    public static void WriteNuGetConfig(string directory) => File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="mlnet-sentence-embeddings-local" value="{Packed}" />
          </packageSources>
        </configuration>
        """);

    /// <summary>Runs `dotnet args` in <paramref name="workingDirectory"/>; returns the exit code and stdout + stderr.</summary>
    public static (int Code, string Output) Dotnet(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The test host's MSBuild variables would point a nested build at this run's SDK internals; a user has none.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}: dotnet {string.Join(' ', args)}\n{stdout.Result}{stderr.Result}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
