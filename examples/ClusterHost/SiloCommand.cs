using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;

namespace ClusterHost;

/// <summary>"silo": joins (or starts) the cluster and embeds until stopped (Ctrl+C or SIGTERM leave gracefully).</summary>
public static class SiloCommand
{
    public static async Task<int> RunAsync(HostSettings s)
    {
        using var host = ClusterConnection.BuildSilo(s);
        await host.StartAsync();
        var address = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Console.WriteLine($"{SiloProcess.ReadyLine}: {address.ToParsableString()} (pid {Environment.ProcessId})");
        await host.WaitForShutdownAsync();
        return 0;
    }
}
