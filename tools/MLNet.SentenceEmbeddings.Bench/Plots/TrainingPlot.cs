using MLNet.SentenceEmbeddings.Training;

namespace MLNet.SentenceEmbeddings.Bench.Plots;

/// <summary>Renders a run's training loss (per step, with a moving average) and dev metric (per evaluation) to PNG.</summary>
public static class TrainingPlot
{
    public static void Save(string path, string title, TrainingResult result, string metricName)
    {
        var plot = new ScottPlot.Plot();
        double[] steps = result.Steps.Select(s => (double)s.Step).ToArray();
        double[] loss = result.Steps.Select(s => s.Loss).ToArray();
        var raw = plot.Add.Scatter(steps, loss);
        raw.LineWidth = 0.5f;
        raw.MarkerSize = 0;
        raw.LegendText = "loss (per step)";
        int window = Math.Max(1, steps.Length / 50);
        double[] smooth = loss.Select((_, i) => loss.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(window, i + 1)).Average()).ToArray();
        var avg = plot.Add.Scatter(steps, smooth);
        avg.MarkerSize = 0;
        avg.LineWidth = 2;
        avg.LegendText = $"loss (moving average of {window})";
        plot.Axes.Left.Label.Text = "training loss";
        if (result.Evaluations.Count > 0)
        {
            var dev = plot.Add.Scatter(result.Evaluations.Select(e => (double)e.Step).ToArray(), result.Evaluations.Select(e => e.PrimaryMetric).ToArray());
            dev.Axes.YAxis = plot.Axes.Right;
            dev.LegendText = "dev " + metricName;
            dev.MarkerSize = 6;
            plot.Axes.Right.Label.Text = "dev " + metricName;
        }
        plot.Axes.Bottom.Label.Text = "step";
        plot.Title(title);
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 450);
    }
}
