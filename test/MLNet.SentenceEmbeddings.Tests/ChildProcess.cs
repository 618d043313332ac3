using System.Diagnostics;

namespace MLNet.SentenceEmbeddings.Tests;

/// <summary>Runs a .NET program (a built dll) in a fresh process, as a user would, and collects its output.</summary>
public static class ChildProcess
{
    public static (int Code, string StdOut, string StdErr) RunDll(string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    /// <summary>
    /// Runs the program until a line it prints (on standard output, or with <paramref name="watchStdErr"/> on standard
    /// error) satisfies <paramref name="killAfter"/>, then kills it and its children, as a session ending or a kill -9
    /// would. Returns whether it was killed (false: it exited first) and what it printed on the watched stream.
    /// </summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/>: killed, the test fails instead of hanging.</exception>
    public static (bool Killed, string Printed) RunDllUntil(string dll, Func<string, bool> killAfter, bool watchStdErr, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var watched = watchStdErr ? p.StandardError : p.StandardOutput;
        _ = (watchStdErr ? p.StandardOutput : p.StandardError).ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        using var deadline = new CancellationTokenSource(timeout);
        bool killed = false;
        try
        {
            while (watched.ReadLineAsync(deadline.Token).AsTask().GetAwaiter().GetResult() is { } line)
            {
                seen.AppendLine(line);
                if (!killAfter(line)) continue;
                p.Kill(entireProcessTree: true);
                killed = true;
                break;
            }
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', args)} still running after {timeout}; printed:\n{seen}");
        }
        p.WaitForExit();
        return (killed, seen.ToString());
    }
}
