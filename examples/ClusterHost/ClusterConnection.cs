using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLNet.SentenceEmbeddings;
using MLNet.SentenceEmbeddings.Orleans;
using Orleans.Configuration;
using StackExchange.Redis;

namespace ClusterHost;

/// <summary>How the host's silos and clients find each other: Redis membership (and Redis job storage) when given, else localhost.</summary>
public static class ClusterConnection
{
    public const string ServiceId = "mlnet-sentence-embeddings";

    /// <summary>A silo host, configured from the command line; started by the caller.</summary>
    public static IHost BuildSilo(HostSettings s)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        string? redis = s.Get("redis");
        int siloPort = s.GetInt("silo-port", EndpointOptions.DEFAULT_SILO_PORT), gatewayPort = s.GetInt("gateway-port", EndpointOptions.DEFAULT_GATEWAY_PORT);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = s.Get("cluster-id", "sbert"); o.ServiceId = ServiceId; });
            if (s.Has("kubernetes"))
            {
                // Pod name, IP and cluster id come from the pod (docs/scale-out.md, examples/ClusterHost/kubernetes.yaml).
                silo.UseKubernetesHosting();
                silo.UseRedisClustering(redis ?? throw new ArgumentException("--kubernetes needs --redis for membership and job storage."));
            }
            else if (redis is not null)
            {
                silo.UseRedisClustering(redis);
                // Other machines reach this silo at --advertise (its own address); loopback suits one machine.
                silo.ConfigureEndpoints(IPAddress.Parse(s.Get("advertise", IPAddress.Loopback.ToString())), siloPort, gatewayPort);
            }
            else silo.UseLocalhostClustering(siloPort, gatewayPort);
            if (redis is not null) silo.AddRedisGrainStorage(SiloBuilderEmbeddingExtensions.JobStorageName, o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
            else silo.AddMemoryGrainStorage(SiloBuilderEmbeddingExtensions.JobStorageName);
            if (s.Has("fast-failure-detection")) silo.Configure<ClusterMembershipOptions>(FastFailureDetection);
            silo.AddSentenceEmbeddings(o =>
            {
                o.Model = s.Get("model", SiloEmbeddingOptions.DefaultModel);
                o.BatchWindow = TimeSpan.FromMilliseconds(s.GetInt("batch-window-ms", (int)SiloEmbeddingOptions.DefaultBatchWindow.TotalMilliseconds));
                o.QueueCapacity = s.GetInt("queue", SiloEmbeddingOptions.DefaultQueueCapacity);
                if (s.Get("threads") is not null) o.Encoder = new SentenceEncoderOptions { Threads = s.GetInt("threads", 0) };
            });
        });
        return builder.Build();
    }

    /// <summary>A started client host; its <see cref="IClusterClient"/> is in Services.</summary>
    public static async Task<IHost> StartClientAsync(string? redis, string clusterId = "sbert", int gatewayPort = EndpointOptions.DEFAULT_GATEWAY_PORT)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = ServiceId; });
            if (redis is not null) client.UseRedisClustering(redis);
            else client.UseLocalhostClustering(gatewayPort);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A killed silo is declared dead in seconds (the defaults take about half a minute), for tests and the benchmark.</summary>
    public static void FastFailureDetection(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 2;
        o.NumVotesForDeathDeclaration = 1;
    }
}
