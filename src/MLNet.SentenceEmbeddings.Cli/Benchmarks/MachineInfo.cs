namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>Date and machine lines every benchmark writes beside its figures.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        string cpu = Cpu();
        string os = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        double memGb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{cpu}, {Environment.ProcessorCount} cores, {memGb:F0} GB, {os}, .NET {Environment.Version}";
    }

    /// <summary>The processor's model name from /proc/cpuinfo ("unknown CPU" where there is none).</summary>
    public static string Cpu()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                       ?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException) { return "unknown CPU"; }
        catch (UnauthorizedAccessException) { return "unknown CPU"; }
    }

    public static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");
}
