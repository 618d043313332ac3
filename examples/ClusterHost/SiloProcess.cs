using System.Diagnostics;

namespace ClusterHost;

/// <summary>A silo in its own process (this program's "silo" verb), started and killed like a machine would be.</summary>
public sealed class SiloProcess : IDisposable
{
    /// <summary>The line a silo prints once it has joined the cluster.</summary>
    public const string ReadyLine = "silo started";

    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _output = new();

    private SiloProcess(Process process, int siloPort) { _process = process; SiloPort = siloPort; }

    public int SiloPort { get; }

    public int ProcessId => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts "dotnet ClusterHost.dll silo --redis ... --silo-port P --gateway-port G extra..." and waits until it has joined.</summary>
    /// <param name="hostPath">ClusterHost.dll; null: this program.</param>
    public static async Task<SiloProcess> StartAsync(string redis, IEnumerable<string> extraArgs, TimeSpan timeout, string? hostPath = null)
    {
        int siloPort = RedisServer.FreePort(), gatewayPort = RedisServer.FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(hostPath ?? typeof(SiloProcess).Assembly.Location);
        foreach (var a in new[] { "silo", "--redis", redis, "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--fast-failure-detection" }.Concat(extraArgs))
            psi.ArgumentList.Add(a);
        var silo = new SiloProcess(Process.Start(psi)!, siloPort);
        silo._process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        silo._process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        silo._process.BeginOutputReadLine();
        silo._process.BeginErrorReadLine();
        var exited = silo._process.WaitForExitAsync();
        var first = await Task.WhenAny(silo._ready.Task, exited, Task.Delay(timeout));
        if (first != silo._ready.Task)
        {
            silo.Kill();
            throw new InvalidOperationException($"silo on port {siloPort} did not start within {timeout.TotalSeconds:F0} s:\n{silo.Output}");
        }
        return silo;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains(ReadyLine, StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>Whether this process hosts <paramref name="siloAddress"/> (Orleans' "IP:PORT@EPOCH" form).</summary>
    public bool Hosts(string siloAddress) => siloAddress.Contains($":{SiloPort}@", StringComparison.Ordinal);

    /// <summary>SIGKILL: no shutdown, no cleanup, as a machine that loses power.</summary>
    public void Kill()
    {
        try { if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); } } catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
