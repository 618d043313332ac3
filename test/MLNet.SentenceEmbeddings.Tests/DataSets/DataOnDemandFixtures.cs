using System.Diagnostics;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Tests.Hub;
using Parquet.Serialization;

namespace MLNet.SentenceEmbeddings.Tests.DataSets;

/// <summary>
/// What the data-on-demand tests share: Hub data set repositories built from the team's files in the Hub's Parquet
/// layout, programs copied where no shared/data folder sits above them, and child processes with a chosen environment.
/// </summary>
internal static class DataOnDemandFixtures
{
    /// <summary>Runs <paramref name="dll"/> in <paramref name="workingDirectory"/>; a null value removes the variable.</summary>
    public static (int Code, string StdOut, string StdErr) Run(string dll, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in environment)
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    /// <summary>The Hub as the child process sees it: this endpoint, this cache, no token, online; data in <paramref name="dataDir"/> only.</summary>
    public static Dictionary<string, string?> HubEnvironment(string endpoint, string cache, string dataDir) => new()
    {
        ["SBERT_DATA_DIR"] = dataDir, ["HF_ENDPOINT"] = endpoint, ["HF_HUB_CACHE"] = cache, ["HF_HOME"] = cache,
        ["HF_TOKEN"] = null, ["HF_HUB_OFFLINE"] = null, ["TRANSFORMERS_OFFLINE"] = null,
    };

    /// <summary>
    /// A copy of the build output folder <paramref name="built"/> outside this repository, so that walking up from it
    /// finds no shared/data folder (as on a user's machine); returns the copy's <paramref name="dll"/>. Hard links
    /// (cp -al): 1.5 GB of libtorch is not copied, and unlike symbolic links the host does not resolve them back.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string OutsideTheRepository(string built, string dll)
    {
        string copy = Path.Combine(Fixtures.NewTempDir(), "app");
        using (var cp = Process.Start(new ProcessStartInfo("cp") { ArgumentList = { "-al", Path.TrimEndingDirectorySeparator(built), copy }, RedirectStandardError = true })!)
        {
            string error = cp.StandardError.ReadToEnd();
            cp.WaitForExit();
            Assert.AreEqual(0, cp.ExitCode, error);
        }
        Assert.IsNull(SharedDataAbove(copy), "the temporary folder must not sit below a shared/data folder");
        return Path.Combine(copy, dll);
    }

    public static string? SharedDataAbove(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "shared", "data"))) return dir.FullName;
        return null;
    }

    public static byte[] Parquet<T>(IReadOnlyCollection<T> rows) where T : class, new()
    {
        using var stream = new MemoryStream();
        ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary>rotten_tomatoes as the Hub's script builds it from rt-polarity: each file split 80/10/10, positive lines first per split, stripped.</summary>
    public static FakeRepo RottenTomatoes(IReadOnlyList<string> pos, IReadOnlyList<string> neg)
    {
        Assert.HasCount(pos.Count, neg);
        int i1 = (int)(pos.Count * 0.8 + 0.5), i2 = (int)(pos.Count * 0.9 + 0.5);
        FakeFile Split(int from, int to) => new(Parquet(pos.Take(to).Skip(from).Select(t => new TextLabelRow { Text = t.Trim(), Label = 1 })
            .Concat(neg.Take(to).Skip(from).Select(t => new TextLabelRow { Text = t.Trim(), Label = 0 })).ToList()), lfs: true);
        var repo = new FakeRepo();
        repo.Commit(new Dictionary<string, FakeFile> { ["README.md"] = FakeFile.Text("# rotten_tomatoes"), ["rotten_tomatoes.py"] = FakeFile.Text("never run") });
        repo.Commit(new Dictionary<string, FakeFile>
        {
            ["default/train/0000.parquet"] = Split(0, i1), ["default/validation/0000.parquet"] = Split(i1, i2), ["default/test/0000.parquet"] = Split(i2, pos.Count),
        }, branch: HubDataSetSource.ParquetRevision);
        return repo;
    }

    /// <summary>mteb/stsbenchmark-sts built from the sts-{train,dev,test}.csv in <paramref name="stsb"/>: the release's rows with typed columns (the score a number).</summary>
    public static FakeRepo MtebStsBenchmark(string stsb)
    {
        FakeFile Split(string file) => new(Parquet(File.ReadLines(Path.Combine(stsb, file)).Select(l => l.Split('\t')).Select(f => new StsRow
        {
            Genre = f[0], Dataset = f[1], Year = f[2], Sid = f[3], Score = double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
            Sentence1 = f[5], Sentence2 = f[6],
        }).ToList()), lfs: true);
        var repo = new FakeRepo();
        repo.Commit(new Dictionary<string, FakeFile>
        {
            ["default/train/0000.parquet"] = Split("sts-train.csv"), ["default/validation/0000.parquet"] = Split("sts-dev.csv"),
            ["default/test/0000.parquet"] = Split("sts-test.csv"),
        }, branch: HubDataSetSource.ParquetRevision);
        return repo;
    }

    /// <summary>A data folder with the first <paramref name="lines"/> lines of each of the team's STSb files, in stsb/; returns the data root.</summary>
    public static string StsbSlice(int lines)
    {
        string root = Fixtures.NewTempDir(), folder = Path.Combine(root, "stsb");
        Directory.CreateDirectory(folder);
        foreach (var file in DataSetCatalog.Find("stsb").Files)
            File.WriteAllLines(Path.Combine(folder, file), File.ReadLines(Path.Combine(Fixtures.DataDir, "stsb", file)).Take(lines));
        return root;
    }
}
