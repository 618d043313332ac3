using System.Diagnostics;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary>
/// <c>sbert embed</c> on corpora: formats in and out, --shard, --resume after kills at random moments, and Ctrl+C.
/// Each runs the built sbert.dll as a child process, as a user would.
/// </summary>
[TestClass]
public class EmbedStreamingTests
{
    private static string Sbert => Path.Combine(AppContext.BaseDirectory, "sbert.dll");

    private static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) => ChildProcess.RunDll(Sbert, args);

    private static Process Start(params string[] args) => Start(null, args);

    /// <param name="stderr">Collects the child's standard error, for a failure message; null: drained unread.</param>
    private static Process Start(System.Text.StringBuilder? stderr, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Sbert);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        // Drain the pipes so that the child never blocks on a full one.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) =>
        {
            if (stderr is not null && e.Data is not null) lock (stderr) stderr.AppendLine(e.Data);
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Whether this process inherited SIGINT ignored (Linux's /proc/self/status; false where there is none).</summary>
    private static bool SigintIgnoredHere()
    {
        const int sigint = 2;
        if (!File.Exists("/proc/self/status")) return false;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (sigint - 1))) != 0;
    }

    private static string TinyModel(string dir)
    {
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        return model;
    }

    /// <summary>Distinct sentences of varied length (so that length sorting reorders every window).</summary>
    private static string[] Sentences(int n) => Enumerable.Range(0, n)
        .Select(i => string.Join(' ', Enumerable.Range(0, 1 + i % 13).Select(k => $"w{(i * 7 + k * 3) % 97}")) + $" row {i}").ToArray();

    [TestMethod]
    public void EveryInputFormatFeedsEveryOutputFormatWithTheSameVectors()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir);
        var texts = new[] { "A man, a plan", "She said \"hi\"", "", "multi\nline" };
        File.WriteAllText(Path.Combine(dir, "in.csv"), "id,text\n" + string.Join("\n", texts.Select((t, i) => $"{i},\"{t.Replace("\"", "\"\"")}\"")) + "\n");
        File.WriteAllLines(Path.Combine(dir, "in.jsonl"), texts.Select(t => new JsonObject { ["text"] = t }.ToJsonString()));
        using var encoder = SentenceEncoder.Load(model);
        var expected = encoder.Encode(texts);
        foreach (var (input, extra) in new[] { ("in.csv", new[] { "--column", "text" }), ("in.jsonl", Array.Empty<string>()) })
            foreach (var ext in new[] { ".npy", ".parquet", ".safetensors", ".tsv" })
            {
                string output = Path.Combine(dir, Path.GetFileNameWithoutExtension(input) + ext);
                var (code, _, stderr) = RunSbert(new[] { "embed", "--model", model, "--input", Path.Combine(dir, input), "--output", output }.Concat(extra).ToArray());
                Assert.AreEqual(0, code, stderr);
                var m = EmbeddingFileReader.Read(output);
                Assert.AreEqual(texts.Length, m.Rows, output);
                for (int i = 0; i < texts.Length; i++) CollectionAssert.AreEqual(expected[i], m.Row(i).ToArray(), $"{output} row {i}");
            }
    }

    [TestMethod]
    public void ShardOutputsConcatenateToTheSingleRunOutput()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir), input = Path.Combine(dir, "in.txt");
        File.WriteAllLines(input, Sentences(1_050));
        string whole = Path.Combine(dir, "whole.tsv");
        var (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", whole, "--window", "100");
        Assert.AreEqual(0, code, stderr);
        var joined = new List<byte>();
        for (int i = 0; i < 3; i++)
        {
            string part = Path.Combine(dir, $"shard{i}.tsv");
            (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", part, "--window", "100", "--shard", $"{i}/3");
            Assert.AreEqual(0, code, stderr);
            joined.AddRange(File.ReadAllBytes(part));
        }
        CollectionAssert.AreEqual(File.ReadAllBytes(whole), joined.ToArray());
        Assert.AreEqual(1_050, File.ReadAllLines(whole).Length);
        (code, _, stderr) = RunSbert("embed", "--input", input, "--output", whole, "--shard", "3/3");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "0 <= i < N");
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void AResumedRunKilledAtRandomMomentsEndsIdenticalToAnUninterruptedOne()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir), input = Path.Combine(dir, "in.txt");
        File.WriteAllLines(input, Sentences(1_500));
        string[] Args(string output, bool resume) => new[] { "embed", "--model", model, "--input", input, "--output", output,
            "--window", "60", "--batch-size", "2" }.Concat(resume ? new[] { "--resume" } : Array.Empty<string>()).ToArray();

        string reference = Path.Combine(dir, "reference.npy");
        var clock = Stopwatch.StartNew();
        var (code, _, stderr) = RunSbert(Args(reference, resume: false));
        Assert.AreEqual(0, code, stderr);
        double full = clock.Elapsed.TotalSeconds;

        string output = Path.Combine(dir, "resumed.npy");
        var random = new Random(17);
        int killed = 0;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            using var child = Start(Args(output, resume: true));
            // Anywhere from start-up to near the end of a full run.
            if (child.WaitForExit(TimeSpan.FromSeconds(full * (0.2 + 0.7 * random.NextDouble())))) break;
            child.Kill();   // SIGKILL: no chance to clean up
            child.WaitForExit();
            killed++;
        }
        Assert.IsGreaterThan(0, killed, "no run was interrupted; the corpus is too small for this machine");
        (code, _, stderr) = RunSbert(Args(output, resume: true));
        Assert.AreEqual(0, code, stderr);
        CollectionAssert.AreEqual(File.ReadAllBytes(reference), File.ReadAllBytes(output), $"after {killed} kill(s)");
        Assert.IsFalse(Directory.Exists(output + ".parts"), "the parts are removed once assembled");
        Assert.AreEqual(0, Directory.GetFiles(dir, "*.tmp").Length + Directory.GetFiles(dir, ".*").Length, "no temporary file left");
    }

    [TestMethod]
    public void ResumingWithOtherOptionsIsRefusedAndNamesTheDifference()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir), input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "o.npy");
        File.WriteAllLines(input, Sentences(10));
        Directory.CreateDirectory(output + ".parts");
        File.WriteAllText(Path.Combine(output + ".parts", "manifest.json"), "{\"input\": \"elsewhere.txt\"}");
        var (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", output, "--resume");
        Assert.AreEqual(1, code);
        StringAssert.Contains(stderr, "input");
        StringAssert.Contains(stderr, "elsewhere.txt");
    }

    [TestMethod]
    [Timeout(300_000, CooperativeCancellation = true)]
    public void SigintStopsBetweenBatchesRemovesTheUnfinishedOutputAndExits130()
    {
        string dir = Fixtures.NewTempDir(), model = TinyModel(dir), input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "o.tsv");
        File.WriteAllLines(input, Sentences(200_000));
        var stderr = new System.Text.StringBuilder();
        using var child = Start(stderr, "embed", "--model", model, "--input", input, "--output", output, "--window", "500", "--batch-size", "1");
        try
        {
            // Wait until it is writing (its temporary output exists), then interrupt it as Ctrl+C would.
            var clock = Stopwatch.StartNew();
            while (Directory.GetFiles(dir, ".o.tsv.*.tmp").Length == 0 && !child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(50);
            Assert.IsFalse(child.HasExited, "finished before it could be interrupted");
            var sent = clock.Elapsed;
            // A test run started in the background by a shell without job control ("cmd &") hands its children SIGINT
            // ignored, as POSIX asks, and .NET keeps it ignored, as a backgrounded CLI should: there SIGTERM, which
            // the CLI stops on the same way, stands in for Ctrl+C.
            string signal = SigintIgnoredHere() ? "TERM" : "INT";
            using (var kill = Process.Start("kill", new[] { "-" + signal, child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })) kill.WaitForExit();
            bool stopped = child.WaitForExit(TimeSpan.FromSeconds(60));
            lock (stderr) Assert.IsTrue(stopped, $"stops soon after SIG{signal} (sent {sent.TotalSeconds:F1} s after start); its stderr:\n{stderr}");
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }
        Assert.AreEqual(130, child.ExitCode);
        Assert.IsFalse(File.Exists(output));
        Assert.AreEqual(0, Directory.GetFiles(dir, ".*.tmp").Length, "the temporary output is removed");
    }
}
