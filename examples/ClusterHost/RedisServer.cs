using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClusterHost;

/// <summary>
/// A throw-away redis-server (Debian's package) on a free local port, without persistence, for the multi-process test and
/// the benchmark; disposed, it is killed.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port) { _process = process; Port = port; }

    public int Port { get; }

    /// <summary>"127.0.0.1:PORT", as Orleans' Redis providers take it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Whether redis-server is on PATH.</summary>
    public static bool IsInstalled => Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator)
        .Any(d => File.Exists(Path.Combine(d, "redis-server"))) == true;

    public static RedisServer Start()
    {
        if (!IsInstalled) throw new InvalidOperationException("redis-server is not on PATH: install it (Debian: apt-get install -y redis-server).");
        int port = FreePort();
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited) throw new InvalidOperationException($"redis-server exited with {process.ExitCode} on port {port}.");
            try { using var c = new TcpClient(); c.Connect(IPAddress.Loopback, port); return new RedisServer(process, port); }
            catch (SocketException) { Thread.Sleep(100); }
        }
        process.Kill();
        throw new TimeoutException($"redis-server did not accept connections on port {port} within 30 s.");
    }

    /// <summary>A port nothing listens on now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
