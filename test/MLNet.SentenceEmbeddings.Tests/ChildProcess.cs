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
    /// Runs the program until a line of its standard output satisfies <paramref name="killAfter"/>, then kills it (and
    /// its children) at once, as a machine going down would. Returns whether it was killed, and what it printed.
    /// </summary>
    public static (bool Killed, string StdOut) RunDllUntil(string dll, Func<string, bool> killAfter, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardError.ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        bool killed = false;
        while (p.StandardOutput.ReadLine() is { } line)
        {
            seen.AppendLine(line);
            if (!killAfter(line)) continue;
            p.Kill(entireProcessTree: true);
            killed = true;
            break;
        }
        p.WaitForExit();
        return (killed, seen.ToString());
    }
}
