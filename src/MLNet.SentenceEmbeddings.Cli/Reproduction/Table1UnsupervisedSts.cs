using System.Text;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Cli.Benchmarks;
using MLNet.SentenceEmbeddings.Cli.Commands;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.DataSets;
using MLNet.SentenceEmbeddings.Evaluation;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// Table 1 of SBERT: Spearman x100 of cosine similarity vs gold, with no STS training data. The raw-BERT rows of the
/// paper (CLS vector, average of token vectors) map to CLS and MEAN pooling of the encoders here; the default
/// model's figures are repeated with ONNX Runtime on its ONNX file, the same protocol (the 0.05 target).
/// </summary>
public static class Table1UnsupervisedSts
{
    public static readonly string[] Columns = { "STS12", "STS13", "STS14", "STS15", "STS16", "STSb", "SICK-R" };

    /// <summary>The paper's Avg. column: the mean of the seven columns above.</summary>
    public const string Average = "Avg.";

    /// <summary>The catalog's STS12-16 in SentEval's layout (shared/data/sts/SOURCES.md): used when found, the columns stay empty otherwise.</summary>
    public const string StsYears = "sts12-16";

    // SBERT paper, Table 1 (Spearman x100; STS12-16 use the ALL protocol).
    private static readonly (string Model, double[] Figures)[] Paper =
    {
        ("Avg. GloVe embeddings", new[] { 55.14, 70.66, 59.73, 68.25, 63.66, 58.02, 53.76 }),
        ("Avg. BERT embeddings", new[] { 38.78, 57.98, 57.98, 63.15, 61.06, 46.35, 58.40 }),
        ("BERT CLS-vector", new[] { 20.16, 30.01, 20.09, 36.88, 38.08, 16.50, 42.63 }),
        ("Universal Sentence Encoder", new[] { 64.49, 67.80, 64.61, 76.83, 73.18, 74.92, 76.69 }),
        ("SBERT-NLI-base", new[] { 70.97, 76.53, 73.19, 79.09, 74.30, 77.03, 72.91 }),
        ("SBERT-NLI-large", new[] { 72.27, 78.46, 74.90, 80.99, 76.25, 79.23, 73.75 }),
    };

    /// <summary>Tolerance of the target: our default model vs ONNX Runtime, same protocol.</summary>
    public const double OnnxTolerance = 0.05;

    /// <summary>Hidden-state weights for a 6-layer model: the embeddings' output left out, layers 1 to 6 equal.</summary>
    private static readonly float[] LayersOneToSix = [0, 1, 1, 1, 1, 1, 1];

    public static StringBuilder Run(ReproductionContext ctx)
    {
        int? cap = ctx.Quick ? 300 : null;
        var datasets = new List<(string Column, List<StsSubset> Subsets)>();
        string? root = YearsRoot(ctx);
        if (root is not null)
        {
            var found = YearFolders(root);
            foreach (var year in Columns.Take(5).Except(found.Select(f => f.Column)))
                ctx.Log.WriteLine($"table 1: no {year}* folder under {root}; column left empty");
            datasets.AddRange(found.Select(f => (f.Column, SentEvalStsReader.Read(f.Folder))));
        }
        datasets.Add(("STSb", StsData.Load("stsb", ctx.Data.Folder("stsb"), "test")));
        datasets.Add(("SICK-R", StsData.Load("sick", ctx.Data.Folder("sick"), "test")));
        int? yearCap = ctx.Quick ? QuickYearPairs : null;
        datasets = datasets.Select(d => (d.Column, d.Subsets.Select(s => new StsSubset(s.Name,
            ReproductionContext.Subsample(s.Pairs, d.Column.StartsWith("STS1", StringComparison.Ordinal) ? yearCap : cap))).ToList())).ToList();

        Dictionary<string, double> Evaluate(Func<IReadOnlyList<string?>, float[][]> embed) =>
            WithAverage(datasets.ToDictionary(d => d.Column, d => 100 * new StsSubsetsEvaluator(d.Subsets).Evaluate(embed).All.Spearman));

        var rows = new List<(string Model, Dictionary<string, double> Figures)>();
        void LogLastRow() => ctx.Log.WriteLine($"table 1: {rows[^1].Model}: " + string.Join(", ", rows[^1].Figures.Select(kv => $"{kv.Key} {kv.Value:F2}")));
        foreach (var model in new[] { PretrainedModels.AllMiniLmL6V2, PretrainedModels.ArcticEmbedXs })
        {
            foreach (var pooling in new[] { PoolingMode.Mean, PoolingMode.Cls })
            {
                using var encoder = SentenceEncoder.Load(model.Name, new SentenceEncoderOptions { Pooling = pooling, Threads = ctx.Threads });
                string own = pooling == model.Pooling ? ", the model's own pooling" : "";
                rows.Add(($"{model.Name}, {PoolingModes.ToName(pooling).ToUpperInvariant()} pooling{own} (TorchSharp)", Evaluate(s => encoder.Encode(s))));
                LogLastRow();
            }
        }
        // Layers other than the last: the mean of all six layers' token vectors, pooled as the model pools its last.
        using (var layers = SentenceEncoder.Load(PretrainedModels.AllMiniLmL6V2.Name, new SentenceEncoderOptions { LayerWeights = LayersOneToSix, Threads = ctx.Threads }))
        {
            rows.Add(($"{PretrainedModels.AllMiniLmL6V2.Name}, MEAN pooling of layers 1 to 6 averaged (WeightedLayerPooling, TorchSharp)", Evaluate(s => layers.Encode(s))));
            LogLastRow();
        }
        var reference = PretrainedModels.AllMiniLmL6V2;
        using (var ort = new OnnxReferenceEncoder(reference, ctx.Threads))
            rows.Add(($"{reference.Name}, MEAN pooling (ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString(3)}, reference)", Evaluate(s => ort.Encode(s))));
        LogLastRow();

        var md = ctx.Header("Table 1: unsupervised STS (no STS training data)", "1");
        md.AppendLine("Spearman rank correlation x100 between the cosine similarity of the two sentence vectors and the gold score, on the test " +
                      "sets (STSb: original release, 1,379 pairs; SICK-R: SemEval-2014 test, 4,927 pairs). STS12-16 use the paper's protocol: " +
                      "one correlation over all sub-sets concatenated." +
                      (root is null
                          ? " STS12-16 are not in the data folder here (pass `--sts-years DIR`, SentEval's data/downstream/STS, to fill them)."
                          : $" STS12-16: SentEval's copies (Moses-tokenised, lower-cased), from {StsSource(ctx, root)}; " +
                            $"{string.Join(", ", datasets.Take(datasets.Count - 2).Select(d => $"{d.Column} {d.Subsets.Sum(s => s.Pairs.Count):N0}"))} scored pairs.") +
                      $" {Average} is the mean of the seven columns, as in the paper (its rows recomputed here from the figures quoted); empty when a column is.");
        md.AppendLine();
        var header = Columns.Append(Average).ToArray();
        md.AppendLine("| model | " + string.Join(" | ", header) + " |");
        md.AppendLine("|---|" + string.Concat(header.Select(_ => "---:|")));
        foreach (var (model, figures) in Paper)
        {
            var byColumn = WithAverage(Columns.Zip(figures).ToDictionary(p => p.First, p => p.Second));
            md.AppendLine($"| paper: {model} | " + string.Join(" | ", header.Select(c => ReproductionContext.F(byColumn[c]))) + " |");
        }
        foreach (var (model, figures) in rows)
            md.AppendLine($"| ours: {model} | " + string.Join(" | ", header.Select(c => ReproductionContext.F(figures.TryGetValue(c, out var v) ? v : null))) + " |");
        md.AppendLine();
        var ours = rows[0].Figures;
        var ortFigures = rows[^1].Figures;
        foreach (var column in new[] { "STSb", "SICK-R" })
        {
            double diff = Math.Abs(ours[column] - ortFigures[column]);
            md.AppendLine($"- Target, {reference.Name} vs ONNX Runtime on {column}: {ReproductionContext.F(ours[column])} vs {ReproductionContext.F(ortFigures[column])}, " +
                          $"difference {diff:F3} ({(diff <= OnnxTolerance ? "within" : "OUTSIDE")} {OnnxTolerance}).");
        }
        return md;
    }

    /// <summary>--quick: STS12-16 have 25 sub-sets between them, so each keeps fewer pairs than STSb and SICK-R.</summary>
    internal const int QuickYearPairs = 60;

    /// <summary>Where STS12-16 are read from: <c>--sts-years</c> wins, else the data folder's own copy; null when neither is there.</summary>
    internal static string? YearsRoot(ReproductionContext ctx) => ctx.StsYears ?? ctx.Data.TryFolder(StsYears);

    /// <summary>Each year's folder under <paramref name="root"/> (the first STS12* ... STS16* in name order) with its column; a year with none is left out.</summary>
    internal static List<(string Column, string Folder)> YearFolders(string root) =>
        Columns.Take(5)
            .Select(year => (Column: year, Folder: Directory.GetDirectories(root, year + "*").OrderBy(d => d, StringComparer.Ordinal).FirstOrDefault()))
            .Where(y => y.Folder is not null)
            .Select(y => (y.Column, y.Folder!))
            .ToList();

    /// <summary>The figures plus <see cref="Average"/>, the mean of all seven columns, when every column is there.</summary>
    public static Dictionary<string, double> WithAverage(Dictionary<string, double> figures)
    {
        if (Columns.All(figures.ContainsKey)) figures[Average] = Columns.Average(c => figures[c]);
        return figures;
    }

    // The docs name the data folder's copy by its place in the data folder, not by this machine's path.
    private static string StsSource(ReproductionContext ctx, string root) =>
        ctx.StsYears is null ? "the data folder's " + DataSetCatalog.Find(StsYears).Folder : "--sts-years";
}
