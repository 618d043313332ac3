using System.Globalization;

namespace MLNet.SentenceEmbeddings.OnnxBenchmark;

/// <summary>"command --key value ..." parsed once; unknown keys fail naming them.</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values;

    private BenchArgs(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    public string Command { get; }

    public static BenchArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"argument '{args[i]}': expected --name value.");
            values[args[i][2..]] = args[++i];
        }
        return new BenchArgs(args.Length > 0 ? args[0] : "", values);
    }

    public string? Optional(string key) => _values.GetValueOrDefault(key);

    public string Required(string key) => Optional(key) ?? throw new ArgumentException($"--{key} is required for '{Command}'.");

    public int Int(string key, int fallback)
    {
        if (Optional(key) is not { } text) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new ArgumentException($"--{key} '{text}': expected a positive integer.");
    }
}
