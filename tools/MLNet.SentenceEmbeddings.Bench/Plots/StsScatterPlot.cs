using System.Globalization;

namespace MLNet.SentenceEmbeddings.Bench.Plots;

/// <summary>Predicted cosine similarity against the gold STS score, one point per pair, with the Spearman in the title.</summary>
public static class StsScatterPlot
{
    public static void Save(string path, string title, IReadOnlyList<double> cosine, IReadOnlyList<double> gold, double spearman, string footnote)
    {
        if (cosine.Count != gold.Count) throw new ArgumentException($"{cosine.Count} predictions for {gold.Count} gold scores", nameof(gold));
        var plot = new ScottPlot.Plot();
        var points = plot.Add.ScatterPoints(gold.ToArray(), cosine.ToArray());
        points.MarkerSize = 3;
        points.Color = ScottPlot.Colors.SteelBlue.WithAlpha(0.45);
        plot.Axes.Bottom.Label.Text = "gold similarity (0-5)\n" + footnote;
        plot.Axes.Left.Label.Text = "cosine of the sentence embeddings";
        // The footnote (date and machine) shares the axis label: smaller and not bold, so it fits the width.
        plot.Axes.Bottom.Label.FontSize = 12;
        plot.Axes.Bottom.Label.Bold = false;
        plot.Title(string.Format(CultureInfo.InvariantCulture, "{0}: Spearman x100 = {1:F2}, n = {2}", title, spearman, gold.Count));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 800, 600);
    }
}
