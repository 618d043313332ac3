using System.Globalization;
using System.Text;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>What every table of <c>sbert reproduce</c> shares: data, quick or full sizes, threads, log, and the section header.</summary>
public sealed class ReproductionContext
{
    /// <summary>The folders of the data sets the tables read, found before the first table runs.</summary>
    public required DataSetFolders Data { get; init; }
    public required bool Quick { get; init; }
    public required int Threads { get; init; }
    public required TextWriter Log { get; init; }
    /// <summary>SentEval's data/downstream/STS folder (STS12-en-test ... STS16-en-test), when the user has one.</summary>
    public string? StsYears { get; init; }
    /// <summary>Folder for what the tables produce besides Markdown (Table 2's trained encoder).</summary>
    public required string Artifacts { get; init; }
    /// <summary>
    /// Folder of the figures kept between runs (Table 2's per-seed runs file), so that a stopped run resumes; null: the
    /// <see cref="Artifacts"/> folder. Unlike the trained encoders, these files are small enough to keep in a repository.
    /// </summary>
    public string? Kept { get; init; }
    /// <summary>Folder of the SentEval sentence-vector cache shared with <c>sbert-bench senteval</c>; null: memory only.</summary>
    public string? SentEvalCache { get; init; }
    /// <summary>Seeds each trained row of Table 2 runs with (1..n), reported as mean ± standard deviation.</summary>
    public int Seeds { get; init; } = 1;
    /// <summary>Table 2's training epochs; null: the paper's (1 with <see cref="Quick"/>).</summary>
    public int? Epochs { get; init; }
    /// <summary>Table 2's training precision: <see cref="Precision.BFloat16"/> runs the forward pass under bf16 autocast.</summary>
    public Precision TrainingPrecision { get; init; } = Precision.Float32;
    /// <summary>Table 2's rows (keys) this run trains; null: all. The others report only the seeds already kept.</summary>
    public IReadOnlyList<string>? Table2Rows { get; init; }
    /// <summary>Table 2's seeds (of 1..<see cref="Seeds"/>) this run trains; null: all. The others report only what is kept.</summary>
    public IReadOnlyList<int>? Table2Seeds { get; init; }
    /// <summary>The encoder Table 2 trained in this run, which Table 5 then evaluates (the paper's tuned row); null until then.</summary>
    public string? StsbTunedModel { get; set; }
    /// <summary>
    /// The checkpoints this invocation's training stages resumed from (Table 2 marks the runs they belong to); one
    /// refused as incompatible is taken out again, since nothing was resumed from it.
    /// </summary>
    internal HashSet<string> ResumedCheckpoints { get; } = new(StringComparer.Ordinal);
    /// <summary>Writes the running table's section before it finishes (a long table's progress); null: nowhere to write.</summary>
    public Action<StringBuilder>? WritePartial { get; set; }
    /// <summary>The command line that reproduces a table (with {0} for the table number).</summary>
    public required string Command { get; init; }

    /// <summary>
    /// Whether an earlier run left a model at <paramref name="folder"/>: models are saved through AtomicDirectory, so a
    /// folder that exists is a finished model and one killed mid-save is absent. The one test every table uses.
    /// </summary>
    public static bool IsKept(string folder) => Directory.Exists(folder);

    /// <summary>Every k-th item so that at most <paramref name="max"/> remain, in order (keeps the genre mix of STSb and
    /// the SNLI/SICK mix); everything when <paramref name="max"/> is null.</summary>
    public static List<T> Subsample<T>(IReadOnlyList<T> items, int? max)
    {
        if (max is not int m || items.Count <= m) return items.ToList();
        double stride = (double)items.Count / m;
        return Enumerable.Range(0, m).Select(i => items[(int)(i * stride)]).ToList();
    }

    /// <summary>Every table this invocation runs ("1,2,5"): a section records the command that wrote it, not a
    /// <c>--tables N</c> that would not have (Table 5 evaluates Table 2's encoder only when both run together).</summary>
    public string? TablesRun { get; set; }

    public StringBuilder Header(string title, string table)
    {
        var md = new StringBuilder();
        md.AppendLine($"### {title}");
        md.AppendLine();
        md.AppendLine($"Measured {MachineInfo.Today} on {MachineInfo.Describe()}.");
        md.AppendLine($"Command: `{string.Format(CultureInfo.InvariantCulture, Command, TablesRun ?? table)}`");
        md.AppendLine();
        if (Quick)
        {
            md.AppendLine("**Quick run (`--quick`): subsampled data and shortened training; these figures are a smoke test, not comparable with the paper.**");
            md.AppendLine();
        }
        return md;
    }

    /// <summary>A figure x100 with two decimals, or "–" when missing.</summary>
    public static string F(double? value) => value is double v ? v.ToString("F2", CultureInfo.InvariantCulture) : "–";
}
