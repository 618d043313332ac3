using MLNet.SentenceEmbeddings.Cli.CommandLine;
using MLNet.SentenceEmbeddings.Data;

namespace MLNet.SentenceEmbeddings.Cli.Commands;

/// <summary>Loads STS evaluation data of a known format as named sub-sets (a single file is one sub-set).</summary>
public static class StsData
{
    public const string Formats = "stsb | sick | senteval-sts | tsv";

    /// <param name="format">stsb, sick (SICK-R relatedness), senteval-sts (one STS12-16 year folder) or tsv (sentence1 TAB sentence2 TAB score).</param>
    /// <param name="path">A file, or for stsb / sick a folder in which <paramref name="split"/> picks the file.</param>
    /// <param name="split">train, dev or test (SICK's dev is its trial file).</param>
    public static List<StsSubset> Load(string format, string path, string split = "test")
    {
        switch (format)
        {
            case "stsb":
                return Single(FileOf(path, split, s => $"sts-{s}.csv"), StsBenchmarkReader.Read);
            case "sick":
                return Single(FileOf(path, split, s => $"SICK_{(s == "dev" ? "trial" : s == "test" ? "test_annotated" : s)}.txt"),
                    f => SickReader.Read(f).Select(r => r.Relatedness).ToList());
            case "senteval-sts":
                return SentEvalStsReader.Read(path);
            case "tsv":
                return Single(path, f => TsvReader.Read(f, 3).Select(r => new SentencePair(r.Fields[0], r.Fields[1], TsvReader.Number(f, r.Line, r.Fields[2]))).ToList());
            default:
                throw new UsageException($"--format expects {Formats}, got '{format}'.");
        }
    }

    private static string FileOf(string path, string split, Func<string, string> name)
    {
        if (!Directory.Exists(path)) return path;
        if (split is not ("train" or "dev" or "test")) throw new UsageException($"--split expects train, dev or test, got '{split}'.");
        return Path.Combine(path, name(split));
    }

    private static List<StsSubset> Single(string file, Func<string, List<SentencePair>> read) =>
        new() { new StsSubset(Path.GetFileNameWithoutExtension(file), read(file)) };
}
