namespace MLNet.SentenceEmbeddings;

/// <summary>
/// Which prompt to put before each sentence (sentence-transformers' prompt_name / prompt): one of the model's named
/// prompts, a literal text, or explicitly none (which also skips the model's default prompt).
/// </summary>
public readonly record struct Prompt
{
    private Prompt(string? name, string? text, bool none)
    {
        Name = name;
        Text = text;
        IsNone = none;
    }

    /// <summary>A prompt of the model's config_sentence_transformers.json, by name ("query", "document", ...).</summary>
    public string? Name { get; }

    /// <summary>A literal prompt text.</summary>
    public string? Text { get; }

    /// <summary>No prompt at all, not even the model's default one.</summary>
    public bool IsNone { get; }

    public static Prompt Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(name, null, false);
    }

    public static Prompt Literal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(null, text, false);
    }

    public static Prompt None { get; } = new(null, null, true);

    /// <summary>The prompt named <paramref name="name"/> when the model has it, else no prompt (how encode_query / encode_document choose).</summary>
    internal static Prompt NamedIfPresent(SentenceEncoderConfig config, string name) =>
        config.Prompts.ContainsKey(name) ? Named(name) : default;

    /// <summary>The text to prepend: "" for none; a default (unset) prompt falls back to the model's default_prompt_name.</summary>
    /// <exception cref="ArgumentException">The model has no prompt of that name; the message lists the ones it has.</exception>
    internal string Resolve(SentenceEncoderConfig config)
    {
        if (IsNone) return "";
        if (Text is not null) return Text;
        string? name = Name ?? config.DefaultPromptName;
        if (name is null) return "";
        return config.Prompts.TryGetValue(name, out var text)
            ? text
            : throw new ArgumentException(
                $"The model has no prompt named '{name}'; its prompts: {(config.Prompts.Count == 0 ? "none" : string.Join(", ", config.Prompts.Keys))}.", "prompt");
    }
}
