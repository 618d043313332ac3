namespace MLNet.SentenceEmbeddings.Tests.Cli;

/// <summary>Tiny models saved to folders, and running sbert.dll, for the command tests.</summary>
internal static class CliTestModels
{
    public static (int Code, string StdOut, string StdErr) RunSbert(params string[] args) =>
        ChildProcess.RunDll(Path.Combine(AppContext.BaseDirectory, "sbert.dll"), args);

    public static string TinyEncoder(string dir)
    {
        string model = Path.Combine(dir, "model");
        using (var tiny = Fixtures.Tiny()) tiny.Save(model);
        return model;
    }

    public static readonly string[] Corpus =
    {
        "A man is playing a guitar.", "A woman is slicing an onion.", "Someone plays the guitar.", "The stock market fell today.",
        "A person cuts vegetables.", "Shares dropped sharply.", "A dog runs in the park.",
    };

    public static List<string> JsonLines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
