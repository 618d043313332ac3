namespace ClusterHost;

/// <summary>
/// The command line of the host: a verb, then "--name value" options and positional arguments. Small on purpose: the
/// host is a sample, and the library's own settings types carry the meaning.
/// </summary>
public sealed class HostSettings
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public HostSettings(string[] args)
    {
        if (args.Length == 0) throw new ArgumentException(Usage);
        Verb = args[0];
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { Positional.Add(args[i]); continue; }
            bool flag = i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _options[args[i][2..]] = flag ? "true" : args[++i];
        }
    }

    public const string Usage = """
        usage: ClusterHost silo   [--redis HOST:PORT] [--advertise IP] [--silo-port 11111] [--gateway-port 30000] [--cluster-id sbert]
                                  [--model default] [--threads N] [--batch-window-ms 5] [--queue 4096] [--kubernetes]
                                  [--fast-failure-detection]
               ClusterHost submit [--redis HOST:PORT] [--cluster-id sbert] --job ID --out DIR [--format npy|tsv|parquet|safetensors]
                                  [--window 4096] [--column NAME] SHARD...
               ClusterHost bench  [--rows 3000] [--shards 12] [--doc docs/scale-out.md]
        Without --redis, the silo uses localhost clustering and memory job storage (one silo, development only).
        """;

    public string Verb { get; }
    public List<string> Positional { get; } = [];

    public string? Get(string name) => _options.GetValueOrDefault(name);
    public string Get(string name, string fallback) => _options.GetValueOrDefault(name) ?? fallback;
    public int GetInt(string name, int fallback) => _options.TryGetValue(name, out var v)
        ? int.TryParse(v, out int n) ? n : throw new ArgumentException($"--{name}: expected an integer, got '{v}'.")
        : fallback;
    public bool Has(string name) => _options.ContainsKey(name);
}
