using System.Diagnostics;
using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;

namespace MLNet.SentenceEmbeddings.OnnxBenchmark;

/// <summary>
/// What a new user's console app costs on disk: the packages it restores into an empty NuGet folder and its
/// `dotnet publish -r linux-x64` output, for an app that only embeds (MLNet.SentenceEmbeddings.Onnx + an exported
/// file) and for one that trains (MLNet.SentenceEmbeddings + .MLNet, as the package consumer test builds it).
/// Our packages come from a fresh `dotnet pack`; the others from this machine's NuGet cache used as a feed (the same
/// files nuget.org serves), so the measurement needs no download.
/// </summary>
public static class Footprint
{
    private sealed record App(string Name, string What, string[] Packages, string Program);

    public static void Run(BenchArgs args)
    {
        string root = MarkdownReport.FindRepositoryRoot() ?? throw new InvalidOperationException("run from inside the repository");
        string cache = args.Optional("nuget-cache") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string work = Path.Combine(Path.GetTempPath(), $"footprint-{Guid.NewGuid():N}");
        string feed = Path.Combine(work, "feed");
        Directory.CreateDirectory(feed);
        try
        {
            foreach (var project in new[] { "MLNet.SentenceEmbeddings.Onnx", "MLNet.SentenceEmbeddings", "MLNet.SentenceEmbeddings.MLNet" })
                Dotnet(root, "pack", Path.Combine(root, "src", project, project + ".csproj"), "-c", "Release", "-o", feed);
            string version = Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "MLNet.SentenceEmbeddings.Onnx.*.nupkg").Single())["MLNet.SentenceEmbeddings.Onnx.".Length..];
            string serving = File.ReadAllText(Path.Combine(root, "examples", "OnnxServing", "Program.cs"));
            var apps = new[]
            {
                new App("embed only", "MLNet.SentenceEmbeddings.Onnx (examples/OnnxServing)", new[] { $"MLNet.SentenceEmbeddings.Onnx:{version}" }, serving),
                new App("train and embed", "MLNet.SentenceEmbeddings + MLNet.SentenceEmbeddings.MLNet + Microsoft.ML 5.0.1",
                    new[] { $"MLNet.SentenceEmbeddings:{version}", $"MLNet.SentenceEmbeddings.MLNet:{version}", "Microsoft.ML:5.0.1" },
                    "using MLNet.SentenceEmbeddings;\nusing var e = SentenceEncoder.Load(\"default\");\nConsole.WriteLine(e.Dimension);\n"),
            };
            var rows = new List<string>();
            foreach (var app in apps)
            {
                string dir = Path.Combine(work, app.Name.Replace(' ', '-'));
                string packages = Path.Combine(work, "nuget-" + app.Name.Replace(' ', '-'));
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "App.csproj"), $"""
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><NoWarn>NU1603</NoWarn></PropertyGroup>
                      <ItemGroup>
                    {string.Join("\n", app.Packages.Select(p => $"    <PackageReference Include=\"{p.Split(':')[0]}\" Version=\"{p.Split(':')[1]}\" />"))}
                      </ItemGroup>
                    </Project>
                    """);
                File.WriteAllText(Path.Combine(dir, "Program.cs"), app.Program);
                File.WriteAllText(Path.Combine(dir, "NuGet.config"), $"""
                    <?xml version="1.0" encoding="utf-8"?>
                    <configuration>
                      <packageSources>
                        <clear />
                        <add key="ours" value="{feed}" />
                        <add key="machine-cache" value="{cache}" />
                      </packageSources>
                    </configuration>
                    """);
                var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
                Dotnet(dir, env, "restore");
                long restored = Bytes(packages);
                string output = Path.Combine(dir, "publish");
                Dotnet(dir, env, "publish", "-c", "Release", "-r", "linux-x64", "--self-contained", "false", "-o", output);
                long published = Bytes(output);
                var torch = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Contains("torch", StringComparison.OrdinalIgnoreCase)).ToList();
                var largest = Directory.EnumerateDirectories(packages)
                    .Select(d => (Name: $"{Path.GetFileName(d)} {string.Join("+", Directory.EnumerateDirectories(d).Select(Path.GetFileName))}", Size: Bytes(d)))
                    .OrderByDescending(x => x.Size).Take(4);
                Console.WriteLine($"{app.Name}: restored {restored / 1e6:F0} MB, published {published / 1e6:F0} MB, torch files {torch.Count}");
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {app.Name} | {app.What} | {restored / 1e6:F0} | {string.Join(", ", largest.Select(x => $"{x.Name} {x.Size / 1e6:F0}"))} | {published / 1e6:F0} | {(torch.Count == 0 ? "none" : $"{torch.Count} files, {torch.Sum(f => new FileInfo(f).Length) / 1e6:F0} MB")} |"));
            }
            var md = new StringBuilder();
            md.AppendLine($"Generated by `dotnet run -c Release --project tools/OnnxBenchmark -- footprint` on {MachineInfo.Today}.");
            md.AppendLine($"Machine: {MachineInfo.Describe()}.");
            md.AppendLine();
            md.AppendLine($"A console app per row, our packages {version} from a fresh `dotnet pack`, restored into an empty NuGet folder (the NuGet cache of this machine served as the feed: the same files nuget.org serves), then `dotnet publish -c Release -r linux-x64 --self-contained false`. MB = 10^6 bytes. The model file is not included: an exported all-MiniLM-L6-v2 adds 90.5 MB (fp32) or 58.8 MB (int8) to a serving app.");
            md.AppendLine();
            md.AppendLine("| app | references | restored MB | largest packages (MB) | published MB | libtorch in the published output |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var r in rows) md.AppendLine(r);
            string report = BenchmarkData.ReportPath(args);
            MarkdownReport.WriteSection(report, "onnx-footprint", "ONNX export", md.ToString());
            Console.WriteLine($"wrote the onnx-footprint section of {report}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static long Bytes(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static void Dotnet(string directory, params string[] args) => Dotnet(directory, new Dictionary<string, string>(), args);

    private static void Dotnet(string directory, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList()) psi.Environment.Remove(key);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed in {directory} ({p.ExitCode}):\n{stdout.Result}{stderr.Result}");
    }
}
