using System.Globalization;
using System.Text;

namespace MLNet.SentenceEmbeddings.DataSets;

/// <summary>
/// A Hugging Face Hub data set whose rows equal one of ours, and how to write them back in our files' layout. Files are
/// taken from the Parquet branch the Hub converts every data set to (<see cref="ParquetRevision"/>), read with
/// Parquet.Net, and never executed (a data set's loading script is not even downloaded).
/// </summary>
public sealed class HubDataSetSource
{
    /// <summary>The branch holding the Hub's Parquet conversion of every public data set.</summary>
    public const string ParquetRevision = "refs/convert/parquet";

    private readonly Action<string, string> _convert;

    private HubDataSetSource(string repoId, string[] patterns, string equality, Action<string, string> convert)
    {
        RepoId = repoId;
        Patterns = patterns;
        Equality = equality;
        _convert = convert;
    }

    /// <summary>"namespace/name" on the Hub.</summary>
    public string RepoId { get; }

    /// <summary>The files fetched from <see cref="ParquetRevision"/> (huggingface_hub allow_patterns).</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>What is equal between the Hub's rows and our files, and what is not (said by <c>sbert data list</c>).</summary>
    public string Equality { get; }

    /// <summary>
    /// The STS benchmark as MTEB publishes it: every row of the original release with its genre, source file, year,
    /// id, score and both sentences, in the release's order; written back as sts-{train,dev,test}.csv (7 tab-separated fields).
    /// </summary>
    public static HubDataSetSource StsBenchmark { get; } = new("mteb/stsbenchmark-sts",
        ["default/train/*.parquet", "default/validation/*.parquet", "default/test/*.parquet"],
        "same rows, fields and order as the original release; scores are numbers there (5.000 comes back as 5) and the "
        + "two trailing source fields of 503 lines are not kept (our readers read the first 7 fields)",
        (snapshot, folder) =>
        {
            foreach (var (split, file) in new[] { ("train", "sts-train.csv"), ("validation", "sts-dev.csv"), ("test", "sts-test.csv") })
                WriteLines(Path.Combine(folder, file), HubParquetRows.Read<StsRow>(snapshot, split).Select(r => string.Join('\t',
                    Field(r.Genre), Field(r.Dataset), Field(r.Year), Field(r.Sid),
                    (r.Score ?? double.NaN).ToString("R", CultureInfo.InvariantCulture), Field(r.Sentence1), Field(r.Sentence2))));
        });

    /// <summary>
    /// MR (rt-polarity v1.0) as the Hub's rotten_tomatoes: each file's lines split 80/10/10 into train, validation and
    /// test, positive lines first in each split, stripped of surrounding white space; written back as rt-polarity.pos
    /// and .neg in their original order, each line ending in " \n" as in SentEval's copy.
    /// </summary>
    public static HubDataSetSource MovieReviews { get; } = new("cornell-movie-review-data/rotten_tomatoes",
        ["default/train/*.parquet", "default/validation/*.parquet", "default/test/*.parquet"],
        "same sentences in the same order (train, validation and test concatenated per label); the Hub strips each line, "
        + "so the trailing space of SentEval's lines is written back",
        (snapshot, folder) =>
        {
            var rows = new[] { "train", "validation", "test" }.SelectMany(split => HubParquetRows.Read<TextLabelRow>(snapshot, split)).ToList();
            if (rows.FirstOrDefault(r => r.Label is not (0 or 1)) is { } bad)
                throw new InvalidDataException($"{snapshot}: a rotten_tomatoes row has label {bad.Label?.ToString(CultureInfo.InvariantCulture) ?? "null"}; expected 0 (neg) or 1 (pos).");
            WriteLines(Path.Combine(folder, "rt-polarity.pos"), rows.Where(r => r.Label == 1).Select(r => Field(r.Text) + " "));
            WriteLines(Path.Combine(folder, "rt-polarity.neg"), rows.Where(r => r.Label == 0).Select(r => Field(r.Text) + " "));
        });

    /// <summary>Writes our files for this source into <paramref name="folder"/> from the downloaded <paramref name="snapshot"/>.</summary>
    internal void Convert(string snapshot, string folder) => _convert(snapshot, folder);

    private static string Field(string? value) => value is null ? "" : value.Contains('\t') || value.Contains('\n')
        ? throw new InvalidDataException($"a field holds a tab or a line break, which our tab-separated files cannot: '{value}'")
        : value;

    private static void WriteLines(string path, IEnumerable<string> lines)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var line in lines) writer.WriteLine(line);
    }
}
