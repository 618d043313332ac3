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
}
