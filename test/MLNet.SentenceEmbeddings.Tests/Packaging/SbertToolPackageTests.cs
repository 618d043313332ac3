using System.Globalization;
using System.IO.Compression;

namespace MLNet.SentenceEmbeddings.Tests.Packaging;

/// <summary>The sbert tool as a user gets it: installed from the local feed into a tool path, then run.</summary>
[TestClass]
public sealed class SbertToolPackageTests
{
    [TestMethod]
    [Timeout(1_500_000, CooperativeCancellation = true)]
    public void ToolInstallsFromTheLocalFeedAndEmbeds()
    {
        string feed = LocalPackages.PackedTool;
        using (var pointer = ZipFile.OpenRead(Path.Combine(feed, $"MLNet.SentenceEmbeddings.Cli.{LocalPackages.Version}.nupkg")))
        {
            string nuspec = new StreamReader(pointer.GetEntry("MLNet.SentenceEmbeddings.Cli.nuspec")!.Open()).ReadToEnd();
            StringAssert.Contains(nuspec, "DotnetTool");
            StringAssert.Contains(nuspec, "<license type=\"expression\">MIT</license>");
        }
        string dir = Fixtures.NewTempDir();
        try
        {
            string tools = Path.Combine(dir, "tools");
            var (code, output) = LocalPackages.Dotnet(dir, TimeSpan.FromMinutes(10), "tool", "install", "--tool-path", tools,
                "--add-source", feed, "MLNet.SentenceEmbeddings.Cli", "--version", LocalPackages.Version);
            Assert.AreEqual(0, code, output);
            string sbert = Path.Combine(tools, "sbert");
            Assert.IsTrue(File.Exists(sbert), output);

            var help = Run(sbert, dir, "--help");
            Assert.AreEqual(0, help.Code, help.Output);
            foreach (var command in new[] { "embed", "search", "mine", "similarity", "rerank", "train", "eval" }) StringAssert.Contains(help.Output, command);

            string input = Path.Combine(dir, "in.txt"), vectors = Path.Combine(dir, "out.tsv");
            File.WriteAllLines(input, new[] { "A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell." });
            var embed = Run(sbert, dir, "embed", "--input", input, "--output", vectors);
            Assert.AreEqual(0, embed.Code, embed.Output);
            var rows = File.ReadAllLines(vectors).Select(l => l.Split('\t').Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray()).ToList();
            Assert.AreEqual(3, rows.Count);
            Assert.AreEqual(384, rows[0].Length, "the embedded default model, all-MiniLM-L6-v2");
            Assert.IsGreaterThan(Fixtures.Cos(rows[0], rows[2]), Fixtures.Cos(rows[0], rows[1]), "the paraphrase is closer than the unrelated sentence");
        }
        // The tool path holds a copy of libtorch (hundreds of MB): never leave it behind.
        finally { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } }
    }

    private static (int Code, string Output) Run(string exe, string workingDirectory, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(exe) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr);
    }
}
