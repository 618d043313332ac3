using System.Globalization;

namespace MLNet.SentenceEmbeddings.Cli;

/// <summary>A usage error: printed with the command's help, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Reads "--name value" options and "--flag" switches; every option must be consumed or it is an error.</summary>
public sealed class ArgumentReader
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public ArgumentReader(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"Unexpected argument '{a}'.");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (!flags.Contains(name))
            {
                if (i + 1 >= list.Count) throw new UsageException($"Option --{name} needs a value.");
                value = list[++i];
            }
            if (!_values.TryAdd(name, value)) throw new UsageException($"Option --{name} is given twice.");
        }
    }

    public bool Flag(string name) { _used.Add(name); return _values.ContainsKey(name); }

    public string? Optional(string name) { _used.Add(name); return _values.TryGetValue(name, out var v) ? v : null; }

    public string Required(string name) => Optional(name) ?? throw new UsageException($"Option --{name} is required.");

    public int? Int(string name, int min = int.MinValue)
    {
        string? v = Optional(name);
        if (v is null) return null;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min)
            throw new UsageException($"Option --{name} expects an integer >= {min}, got '{v}'.");
        return n;
    }

    /// <summary>Throws for options nobody asked for (a typo should not be ignored).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}
