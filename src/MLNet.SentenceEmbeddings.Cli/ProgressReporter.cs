using System.Diagnostics;
using System.Globalization;

namespace MLNet.SentenceEmbeddings.Cli;

/// <summary>
/// Progress of a long command on standard error: a bar redrawn in place on a terminal, and plain lines (one per 10%
/// of the work, plus the end) when standard error is redirected to a file or a pipe, so logs stay readable.
/// Any command can use it: <c>using var progress = ProgressReporter.ForConsole("embedding", total);</c> then
/// <c>progress.Report(done, "detail")</c>, and <c>progress.Complete("summary")</c> at the end.
/// </summary>
public sealed class ProgressReporter : IDisposable
{
    private const int BarWidth = 28;
    // A terminal redraw at most this often: redrawing per batch would cost more than the batch on fast machines.
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastDraw;
    private int _lastDecile = -1;
    private int _lastWidth;
    private bool _completed;

    /// <param name="label">What is being counted ("embedding", "training").</param>
    /// <param name="total">Units of work in all (lines, steps); 0 when not known yet (see <see cref="Total"/>).</param>
    /// <param name="writer">Where to write (standard error for the CLI).</param>
    /// <param name="interactive">true: redraw a bar with '\r'; false: plain lines.</param>
    public ProgressReporter(string label, long total, TextWriter writer, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _label = label;
        Total = total;
        _writer = writer;
        Interactive = interactive;
    }

    /// <summary>On standard error; a bar when it is a terminal, plain lines when it is redirected.</summary>
    public static ProgressReporter ForConsole(string label, long total) => For(Console.Error, label, total);

    /// <summary>On <paramref name="log"/>: a bar only when that is the console's standard error and a terminal.</summary>
    public static ProgressReporter For(TextWriter log, string label, long total) =>
        new(label, total, log, interactive: ReferenceEquals(log, Console.Error) && !Console.IsErrorRedirected);

    public bool Interactive { get; }

    /// <summary>Units of work in all; may be set once it is known (a trainer reports its step count with the first step).</summary>
    public long Total { get; set; }

    /// <summary>Records that <paramref name="done"/> units are finished; <paramref name="detail"/> follows the figures.</summary>
    public void Report(long done, string? detail = null)
    {
        if (_completed) return;
        var now = _clock.Elapsed;
        if (Interactive)
        {
            if (_lastDraw is { } last && now - last < RedrawInterval && done < Total) return;
            _lastDraw = now;
            string line = Format(done, now, detail, bar: true);
            // Pad over the previous, possibly longer, line.
            _writer.Write("\r" + line.PadRight(_lastWidth));
            _lastWidth = line.Length;
            _writer.Flush();
            return;
        }
        int decile = Total > 0 ? (int)Math.Min(10, done * 10 / Total) : -1;
        if (Total > 0 && decile <= _lastDecile) return;
        _lastDecile = decile;
        _writer.WriteLine(Format(done, now, detail, bar: false));
    }

    /// <summary>Writes a message on its own line; on a terminal the bar is cleared first and redrawn by the next report.</summary>
    public void Log(string message)
    {
        if (Interactive && _lastWidth > 0)
        {
            _writer.Write("\r" + new string(' ', _lastWidth) + "\r");
            _lastWidth = 0;
            _lastDraw = null;
        }
        _writer.WriteLine(message);
    }

    /// <summary>Ends the bar (a newline on a terminal) and writes <paramref name="summary"/> on its own line.</summary>
    public void Complete(string? summary = null)
    {
        if (_completed) return;
        _completed = true;
        if (Interactive && _lastWidth > 0) _writer.WriteLine();
        if (summary is not null) _writer.WriteLine(summary);
        _writer.Flush();
    }

    public void Dispose() => Complete();

    internal string Format(long done, TimeSpan elapsed, string? detail, bool bar)
    {
        var text = new System.Text.StringBuilder(_label);
        double rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        if (Total > 0)
        {
            double fraction = Math.Clamp((double)done / Total, 0, 1);
            if (bar)
            {
                int filled = (int)Math.Round(fraction * BarWidth);
                text.Append(" [").Append('#', filled).Append('-', BarWidth - filled).Append(']');
            }
            text.Append(CultureInfo.InvariantCulture, $" {fraction * 100,3:F0}% {done}/{Total}");
            if (rate > 0 && done < Total)
                text.Append(" eta ").Append(FormatDuration(TimeSpan.FromSeconds((Total - done) / rate)));
        }
        else text.Append(CultureInfo.InvariantCulture, $" {done}");
        text.Append(CultureInfo.InvariantCulture, $" {rate:F1}/s");
        if (!string.IsNullOrEmpty(detail)) text.Append("  ").Append(detail);
        return text.ToString();
    }

    internal static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes}:{t.Seconds:D2}";
}
