using System.Globalization;

namespace MLNet.SentenceEmbeddings.Bench.Plots;

/// <summary>
/// The speed table (SBERT Table 7 style) as a horizontal bar chart: sentences/s per pipeline, drawn from the figures
/// `bench encoder` measured (passed in directly, or read back from its section of docs/benchmarks.md).
/// </summary>
public static class SpeedChart
{
    public static void Save(string path, string title, IReadOnlyList<(string Name, double SentencesPerSecond)> rows, string footnote)
    {
        if (rows.Count == 0) throw new ArgumentException("no speed figures to plot", nameof(rows));
        var plot = new ScottPlot.Plot();
        // Top row first: ScottPlot counts positions from the bottom.
        var bars = rows.Select((r, i) => new ScottPlot.Bar
        {
            Position = rows.Count - 1 - i,
            Value = r.SentencesPerSecond,
            Label = r.SentencesPerSecond.ToString("F0", CultureInfo.InvariantCulture),
            FillColor = r.Name.StartsWith("ONNX", StringComparison.Ordinal) ? ScottPlot.Colors.Gray : ScottPlot.Colors.SteelBlue,
        }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        series.ValueLabelStyle.FontSize = 12;
        plot.Axes.Left.SetTicks(bars.Select(b => b.Position).ToArray(), rows.Select(r => r.Name).ToArray());
        plot.Axes.Margins(left: 0, right: 0.15);
        plot.Axes.Bottom.Label.Text = "sentences / s (higher is better)";
        plot.Title(title);
        plot.Axes.Bottom.Label.Text += "\n" + footnote;
        // The footnote (date and machine) shares the axis label: smaller and not bold, so it fits the width.
        plot.Axes.Bottom.Label.FontSize = 12;
        plot.Axes.Bottom.Label.Bold = false;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 120 + 48 * rows.Count);
    }

    /// <summary>
    /// The "| pipeline | sentences/s | ..." rows of a `bench encoder` section of a report, in table order; empty when the
    /// section is absent.
    /// </summary>
    public static List<(string Name, double SentencesPerSecond)> ReadFromReport(string markdown, string section)
    {
        string start = $"<!-- {section}:start -->", end = $"<!-- {section}:end -->";
        int i = markdown.IndexOf(start, StringComparison.Ordinal), j = markdown.IndexOf(end, StringComparison.Ordinal);
        var rows = new List<(string, double)>();
        if (i < 0 || j < i) return rows;
        foreach (var line in markdown[i..j].Split('\n'))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            // "| name | 633.1 | 1.00x | 82.04 |" splits into "", name, rate, ratio, spearman, "".
            if (cells.Length >= 4 && double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
                rows.Add((cells[1], rate));
        }
        return rows;
    }

    /// <summary>The "Measured DATE on MACHINE." line of a report section, for the chart's footnote.</summary>
    public static string? MeasuredLine(string markdown, string section)
    {
        int i = markdown.IndexOf($"<!-- {section}:start -->", StringComparison.Ordinal);
        if (i < 0) return null;
        return markdown[i..].Split('\n').FirstOrDefault(l => l.StartsWith("Measured ", StringComparison.Ordinal))?.Trim();
    }
}
