using System.CommandLine;
using System.CommandLine.Parsing;

namespace MLNet.SentenceEmbeddings.Cli.CommandLine;

/// <summary>
/// Factories for the options many commands share, each defined once: name, description, default (which the help
/// prints) and validation live together, so help, parsing and completion cannot disagree.
/// </summary>
public static class CliOptions
{
    /// <summary><c>--json</c>: one JSON object as the last line of standard output.</summary>
    public static Option<bool> Json(string what = "the figures") =>
        new("--json") { Description = $"print one JSON object with {what} as the last line of standard output" };

    /// <summary>An integer option with a default and a lower bound.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int min = 1)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r => AtLeast(r, name, r.GetValueOrDefault<int>(), min));
        return option;
    }

    /// <summary>An integer option without a default (null when absent) and with a lower bound.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = 1)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is int v) AtLeast(r, name, v, min); });
        return option;
    }

    /// <summary>A positive floating-point option.</summary>
    public static Option<double?> OptionalPositive(string name, string description)
    {
        var option = new Option<double?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is double v && !(v > 0)) r.AddError($"{name} expects a positive number, got {v}.");
        });
        return option;
    }

    /// <summary>
    /// An array option's entries (a <see cref="List"/>, or parsed values such as layer weights), null when absent or
    /// empty: System.CommandLine reads an absent array option as an empty array, and "default: all" must not become
    /// "none".
    /// </summary>
    public static T[]? GetList<T>(this ParseResult result, Option<T[]?> option) => result.GetValue(option) is { Length: > 0 } entries ? entries : null;

    /// <summary>A comma-separated list, trimmed, empty entries dropped; read it with <see cref="GetList"/>.</summary>
    public static Option<string[]?> List(string name, string description, params string[] completions)
    {
        var option = new Option<string[]?>(name)
        {
            Description = description,
            CustomParser = r => r.Tokens.Count == 0 ? null
                : r.Tokens[0].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        };
        if (completions.Length > 0) option.CompletionSources.Add(completions);
        return option;
    }

    /// <summary>
    /// A value parsed from its text by <paramref name="parse"/> (the core's own parser, so the CLI accepts exactly what the
    /// library does); its <see cref="ArgumentException"/> message becomes the parse error. Without a value the option is
    /// <paramref name="defaultValue"/> (help prints it when it is not null).
    /// </summary>
    public static Option<T> Parsed<T>(string name, string description, Func<string, T> parse, string[] completions, T defaultValue = default!)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = completions.Length > 0 ? string.Join('|', completions) : null,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 0) return defaultValue;
                try { return parse(r.Tokens[0].Value); }
                catch (ArgumentException e) { r.AddError($"{name}: {StripParameter(e.Message)}"); return defaultValue; }
            },
        };
        if (completions.Length > 0) option.CompletionSources.Add(completions);
        return option;
    }

    /// <summary>The data folder; when not given each data set is located on its own (<see cref="Commands.DataSetFolders"/>).</summary>
    public static Option<string?> Data(string what = "data folder") =>
        new("--data") { Description = $"{what} (default: each data set from $SBERT_DATA_DIR, ../shared/data, else the Hugging Face Hub where it has a source; see sbert data list)" };

    private static void AtLeast(OptionResult r, string name, int value, int min)
    {
        if (value < min) r.AddError($"{name} expects an integer >= {min}, got {value}.");
    }

    // ArgumentException appends " (Parameter 'x')"; the option name already says which value is at fault.
    private static string StripParameter(string message)
    {
        int i = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
