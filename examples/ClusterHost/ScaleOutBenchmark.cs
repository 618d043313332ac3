using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Orleans;
using Orleans.Runtime;
using StackExchange.Redis;

namespace ClusterHost;

/// <summary>
/// "bench": real silo processes on this machine with a throw-away Redis. Measures a job's throughput with 1 and 2 silos,
/// the cost around each shard, Redis traffic per shard, a kill -9 of one silo during a job (the result must equal the
/// undisturbed run byte for byte), and the online batching window's effect on latency and throughput. Writes the
/// generated section of docs/scale-out.md (date, machine, command).
/// </summary>
public static class ScaleOutBenchmark
{
    private const string Start = "<!-- scale-out-bench:start -->", End = "<!-- scale-out-bench:end -->";
    private static readonly TimeSpan SiloStartTimeout = TimeSpan.FromMinutes(3);

    private sealed record JobRun(int Silos, int Rows, int Shards, double Seconds, double ShardSeconds, long RedisCommands, int Reassignments, string Output);

    private sealed record OnlineRun(int WindowMs, int Clients, double TextsPerSecond, double P50Ms, double P95Ms, double TextsPerBatch);

    public static async Task<int> RunAsync(HostSettings s)
    {
        int rows = s.GetInt("rows", 3000), shards = s.GetInt("shards", 12);
        string doc = s.Get("doc", Path.Combine("docs", "scale-out.md"));
        string command = "dotnet run -c Release --project examples/ClusterHost -- bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2));
        string work = Path.Combine(Path.GetTempPath(), "sbert-scale-out-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = WriteCorpus(work, rows, shards);
            var one = await RunJobAsync(paths, work, silos: 1, kill: false);
            var two = await RunJobAsync(paths, work, silos: 2, kill: false);
            var killed = await RunJobAsync(paths, work, silos: 2, kill: true);
            bool identical = SameFiles(two.Output, killed.Output);
            var online = new List<OnlineRun>();
            foreach (int window in new[] { 0, 2, 5, 20 }) online.Add(await RunOnlineAsync(window, clients: 32, TimeSpan.FromSeconds(10)));
            string section = Render(command, one, two, killed, identical, online);
            Console.WriteLine(section);
            WriteSection(doc, section);
            Console.WriteLine($"wrote the generated section of {doc}");
            return identical && killed.Reassignments > 0 ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>STSb sentences (test, then dev), repeated as needed, in <paramref name="shards"/> .txt shards.</summary>
    private static string[] WriteCorpus(string work, int rows, int shards)
    {
        string data = SharedData.Find();
        var sentences = StsBenchmarkReader.UniqueSentences(StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-test.csv"))
            .Concat(StsBenchmarkReader.Read(Path.Combine(data, "stsb", "sts-dev.csv")))).ToList();
        Directory.CreateDirectory(Path.Combine(work, "corpus"));
        var paths = new string[shards];
        for (int i = 0; i < shards; i++)
        {
            paths[i] = Path.Combine(work, "corpus", $"part{i:D3}.txt");
            int first = (int)((long)rows * i / shards), end = (int)((long)rows * (i + 1) / shards);
            File.WriteAllLines(paths[i], Enumerable.Range(first, end - first).Select(r => sentences[r % sentences.Count]));
        }
        return paths;
    }

    private static async Task<JobRun> RunJobAsync(string[] shards, string work, int silos, bool kill)
    {
        using var redis = RedisServer.Start();
        int threads = Math.Max(1, Environment.ProcessorCount / silos);
        var processes = new List<SiloProcess>();
        try
        {
            for (int i = 0; i < silos; i++)
                processes.Add(await SiloProcess.StartAsync(redis.ConnectionString, ["--threads", threads.ToString()], SiloStartTimeout));
            using var client = await ClusterConnection.StartClientAsync(redis.ConnectionString);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            // Load the model on every silo before the clock starts: a job's figures should not include model loading.
            await WarmUpAsync(grains, silos);
            string output = Path.Combine(work, $"out-{silos}-{(kill ? "kill" : "clean")}");
            var spec = new EmbeddingJobSpec { Shards = shards, OutputDirectory = output, Window = 256 };
            long commandsBefore = await RedisCommandsAsync(redis.ConnectionString);
            var clock = Stopwatch.StartNew();
            string job = $"bench-{silos}-{kill}";
            await grains.SubmitEmbeddingJobAsync(job, spec);
            if (kill) await KillOneSiloMidJobAsync(grains, job, processes);
            var final = await grains.WaitForEmbeddingJobAsync(job, new ConsoleProgress($"  {silos} silo(s){(kill ? ", kill -9" : "")}: "),
                TimeSpan.FromMilliseconds(200));
            double seconds = clock.Elapsed.TotalSeconds;
            long commands = await RedisCommandsAsync(redis.ConnectionString) - commandsBefore;
            if (!final.Succeeded) throw new InvalidOperationException($"benchmark job failed: {final.Error}");
            using var manifest = JsonDocument.Parse(File.ReadAllText(spec.ManifestPath));
            double shardSeconds = manifest.RootElement.GetProperty("shards").EnumerateArray().Sum(e => e.GetProperty("seconds").GetDouble());
            await client.StopAsync();
            return new JobRun(silos, (int)final.RowsDone, shards.Length, seconds, shardSeconds, commands, final.Reassignments, output);
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
        }
    }

    /// <summary>Waits until membership lists every silo as active (each loaded its model before joining).</summary>
    private static async Task WarmUpAsync(IClusterClient grains, int silos)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        for (int i = 0; i < 600; i++)
        {
            if ((await management.GetHosts(onlyActive: true)).Count >= silos) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"fewer than {silos} silo(s) became active.");
    }

    private static async Task KillOneSiloMidJobAsync(IClusterClient grains, string job, List<SiloProcess> processes)
    {
        var watch = grains.GetGrain<IEmbeddingJobGrain>(job);
        for (int i = 0; i < 3000; i++)
        {
            var p = await watch.GetProgressAsync();
            var victim = processes.FirstOrDefault(s => !s.Hosts(p.Coordinator) && p.Running.Any(r => s.Hosts(r.Silo)));
            if (victim is not null && p.ShardsDone > 0)
            {
                Console.WriteLine($"  kill -9 pid {victim.ProcessId} (silo port {victim.SiloPort}) at {p}");
                victim.Kill();
                return;
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException("no silo other than the coordinator's ever ran a shard.");
    }

    private static async Task<long> RedisCommandsAsync(string redis)
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=true");   // INFO is an admin command
        var info = await mux.GetServer(mux.GetEndPoints()[0]).InfoAsync("stats");
        return long.Parse(info.SelectMany(g => g).First(kv => kv.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture);
    }

    private static async Task<OnlineRun> RunOnlineAsync(int windowMs, int clients, TimeSpan duration)
    {
        using var redis = RedisServer.Start();
        using var silo = await SiloProcess.StartAsync(redis.ConnectionString, ["--batch-window-ms", windowMs.ToString()], SiloStartTimeout);
        using var client = await ClusterConnection.StartClientAsync(redis.ConnectionString);
        var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IEmbeddingGrain>(0);
        await WarmUpAsync(client.Services.GetRequiredService<IClusterClient>(), 1);
        var sentences = StsBenchmarkReader.UniqueSentences(StsBenchmarkReader.Read(Path.Combine(SharedData.Find(), "stsb", "sts-test.csv"))).ToArray();
        var latencies = new List<double>();
        long texts = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (int i = c; clock.Elapsed < duration; i += clients)
            {
                var call = Stopwatch.StartNew();
                await grain.EmbedAsync([sentences[i % sentences.Length]]);
                lock (latencies) latencies.Add(call.Elapsed.TotalMilliseconds);
                Interlocked.Increment(ref texts);
            }
        })));
        double seconds = clock.Elapsed.TotalSeconds;
        var info = await grain.DescribeAsync();   // one silo: its batcher served every call above
        latencies.Sort();
        Console.WriteLine($"  online, window {windowMs} ms: {texts / seconds:F0} texts/s");
        await client.StopAsync();
        return new OnlineRun(windowMs, clients, texts / seconds, latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.95)], (double)info.Texts / Math.Max(1, info.Batches));
    }

    private static bool SameFiles(string a, string b)
    {
        var names = Directory.GetFiles(a, "0*").Select(Path.GetFileName).Order().ToArray();
        return names.Length > 0 && names.SequenceEqual(Directory.GetFiles(b, "0*").Select(Path.GetFileName).Order())
            && names.All(n => File.ReadAllBytes(Path.Combine(a, n!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, n!))));
    }

    private static string Render(string command, JobRun one, JobRun two, JobRun killed, bool identical, List<OnlineRun> online)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Start);
        sb.AppendLine(inv, $"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()} by `{command}`; load average at the end {LoadAverage()} (other work shares the machine when this is above its core count).");
        sb.AppendLine();
        sb.AppendLine("Batch job (all-MiniLM-L6-v2, .txt shards of STSb sentences, window 256, .npy outputs; silos are separate processes with Redis membership and job storage; threads per silo = cores / silos):");
        sb.AppendLine();
        sb.AppendLine("| silos | rows | shards | wall s | rows/s | silo-busy s (sum of shards) | rows per busy silo-second | overhead per shard, s | Redis commands per shard | reassigned |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in new[] { one, two, killed })
        {
            double overhead = (r.Seconds * r.Silos - r.ShardSeconds) / r.Shards;
            sb.AppendLine(inv, $"| {r.Silos}{(r == killed ? " (one killed with kill -9 mid-job)" : "")} | {r.Rows} | {r.Shards} | {r.Seconds:F1} | {r.Rows / r.Seconds:F0} | {r.ShardSeconds:F1} | {r.Rows / r.ShardSeconds:F0} | {overhead:F2} | {(double)r.RedisCommands / r.Shards:F0} | {r.Reassignments} |");
        }
        sb.AppendLine();
        sb.AppendLine(inv, $"The kill -9 run's outputs are {(identical ? "byte-for-byte identical to" : "DIFFERENT from")} the undisturbed 2-silo run's.");
        sb.AppendLine();
        RenderModel(sb, one);
        sb.AppendLine();
        sb.AppendLine("Online (one silo, 32 concurrent clients each sending one sentence per call, 10 s per window):");
        sb.AppendLine();
        sb.AppendLine("| batch window, ms | texts/s | p50 latency, ms | p95 latency, ms | texts per encoder call |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var o in online) sb.AppendLine(inv, $"| {o.WindowMs} | {o.TextsPerSecond:F0} | {o.P50Ms:F1} | {o.P95Ms:F1} | {o.TextsPerBatch:F1} |");
        sb.Append(End);
        return sb.ToString();
    }

    /// <summary>
    /// The 100-machine model, fitted to the 1-silo run: r rows per busy silo-second, c seconds around each shard, and
    /// the job state's bytes per shard (serialised here as JSON, an upper bound for the Redis provider). For N machines
    /// like this one and S shards of a 10^9-row corpus: shard time t = R / r (R = 10^9 / S), utilisation u = t / (t + c),
    /// rate N r u, one state write of S x b bytes per finished shard, N / (t + c) of them per second, S^2 b bytes in all.
    /// </summary>
    private static void RenderModel(StringBuilder sb, JobRun one)
    {
        var inv = CultureInfo.InvariantCulture;
        double r = one.Rows / one.ShardSeconds, c = Math.Max(0, (one.Seconds - one.ShardSeconds) / one.Shards);
        double b = StateBytesPerShard();
        const double corpus = 1e9, bytesPerRow = 384 * 4;
        sb.AppendLine(inv, $"Model fitted to the 1-silo row: r = {r:F0} rows per busy silo-second, c = {c:F2} s around each shard, b = {b:F0} bytes of job state per shard (JSON). A corpus of 10^9 rows, N machines like this one:");
        sb.AppendLine();
        sb.AppendLine("| machines N | shards S | rows per shard | shard time, s | utilisation | rows/s | days | output MB/s | state writes/s | bytes per state write | state written in all, GB |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (n, shards) in new[] { (1, 10_000), (10, 10_000), (100, 1_000), (100, 10_000), (100, 100_000), (100, 1_000_000) })
        {
            double rows = corpus / shards, t = rows / r, u = t / (t + c), rate = n * r * u;
            sb.AppendLine(inv, $"| {n} | {shards:N0} | {rows:N0} | {t:F0} | {u:P1} | {rate:N0} | {corpus / rate / 86400:F1} | {rate * bytesPerRow / 1e6:F1} | {n / (t + c):F2} | {shards * b:N0} | {(double)shards * shards * b / 1e9:F1} |");
        }
    }

    /// <summary>JSON bytes per shard record of a job state with many shards (the spec's own bytes excluded).</summary>
    private static double StateBytesPerShard()
    {
        var state = new EmbeddingJobState
        {
            Shards = Enumerable.Range(0, 1000).Select(i => new ShardRecord { Done = true, Rows = 100_000, Silo = "10.0.0.1:11111@155168437", Seconds = 300.123 }).ToArray(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(state).Length / 1000.0;
    }

    private static string Machine()
    {
        string cpu = "unknown CPU";
        try { cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu; }
        catch (IOException) { }
        return $"{cpu}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    private static void WriteSection(string doc, string section)
    {
        string text = File.Exists(doc) ? File.ReadAllText(doc) : "";
        int a = text.IndexOf(Start, StringComparison.Ordinal), b = text.IndexOf(End, StringComparison.Ordinal);
        text = a >= 0 && b > a ? text[..a] + section + text[(b + End.Length)..] : text + "\n" + section + "\n";
        AtomicFile.WriteAllText(doc, text);
    }
}
