namespace MLNet.SentenceEmbeddings.Cli.Benchmarks;

/// <summary>Date and machine lines every benchmark writes beside its figures.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                      ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string os = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        double memGb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{cpu}, {Environment.ProcessorCount} cores, {memGb:F0} GB, {os}, .NET {Environment.Version}";
    }

    public static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd");
}
