using System.Text.Json;
using MLNet.SentenceEmbeddings.Cli;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public sealed class ProgressReporterTests
{
    [TestMethod]
    public void RedirectedOutputGetsOnePlainLinePerTenPercent()
    {
        var text = new StringWriter();
        using (var progress = new ProgressReporter("embedding", 100, text, interactive: false))
        {
            for (int i = 1; i <= 100; i++) progress.Report(i, "detail");
            progress.Complete("done");
        }
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain("\r", text.ToString());
        Assert.HasCount(12, lines, text.ToString());   // 1%, 10%, ..., 100%, then the summary
        StringAssert.StartsWith(lines[0], "embedding   1% 1/100");
        StringAssert.StartsWith(lines[10], "embedding 100% 100/100");
        StringAssert.EndsWith(lines[10], "detail");
        Assert.AreEqual("done", lines[11]);
    }

    [TestMethod]
    public void TerminalOutputRedrawsOneBarAndLogsAboveIt()
    {
        var text = new StringWriter();
        var progress = new ProgressReporter("training", 4, text, interactive: true);
        progress.Report(1);
        progress.Log("evaluated: 0.81");
        progress.Report(4);
        progress.Complete("wrote model");
        string s = text.ToString();
        StringAssert.Contains(s, "\rtraining [#######---------------------]  25% 1/4");
        StringAssert.Contains(s, "\revaluated: 0.81\n", s);
        StringAssert.Contains(s, "\rtraining [############################] 100% 4/4");
        StringAssert.EndsWith(s, "\nwrote model\n");
        Assert.AreEqual(3, s.Count(c => c == '\n'), s);   // the log line, the end of the bar, the summary
    }

    [TestMethod]
    public void DurationsReadAsClockTimes()
    {
        Assert.AreEqual("0:07", ProgressReporter.FormatDuration(TimeSpan.FromSeconds(7)));
        Assert.AreEqual("12:05", ProgressReporter.FormatDuration(TimeSpan.FromSeconds(725)));
        Assert.AreEqual("2:00:01", ProgressReporter.FormatDuration(TimeSpan.FromSeconds(7201)));
    }

    [TestMethod]
    public void EmbedJsonIsTheLastStdoutLineAndProgressStaysOnStderr()
    {
        string dir = Fixtures.NewTempDir();
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        string input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "out.tsv");
        File.WriteAllLines(input, new[] { "one", "two", "three" });
        var (code, stdout, stderr) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"),
            "embed", "--model", model, "--input", input, "--output", output, "--json");
        Assert.AreEqual(0, code, stderr);
        using var json = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        Assert.AreEqual(3, json.RootElement.GetProperty("lines").GetInt64());
        Assert.AreEqual(32, json.RootElement.GetProperty("dimension").GetInt32());
        Assert.AreEqual(output, json.RootElement.GetProperty("output").GetString());
        StringAssert.Contains(stderr, "embedding 100% 3/3");
        Assert.DoesNotContain("\r", stderr, "redirected standard error gets plain lines");
    }

    [TestMethod]
    public void HelpListsExitCodes()
    {
        var (code, stdout, _) = ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), "--help");
        Assert.AreEqual(0, code);
        StringAssert.Contains(stdout, "Exit codes:");
        StringAssert.Contains(stdout, "2  usage error");
    }
}
