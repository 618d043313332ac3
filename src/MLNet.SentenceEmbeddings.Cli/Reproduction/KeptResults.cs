using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Cli.Reproduction;

/// <summary>
/// A JSON object file of finished results, each under a key naming every setting it depends on, so that a long table
/// stopped part-way (the machine is shared; one result takes minutes to an hour) resumes where it stopped.
/// </summary>
internal sealed class KeptResults(string path)
{
    public string Path { get; } = path;

    /// <summary>The result kept under <paramref name="key"/>, or null.</summary>
    public JsonNode? this[string key] => Read()[key];

    /// <summary>Every kept result; empty when the file does not exist yet.</summary>
    public JsonObject Read()
    {
        if (!File.Exists(Path)) return new JsonObject();
        try { return JsonNode.Parse(File.ReadAllText(Path)) as JsonObject ?? throw new InvalidDataException($"{Path}: expected a JSON object of kept results; delete it to run again."); }
        catch (JsonException e) { throw new InvalidDataException($"{Path}: not valid JSON ({e.Message}); delete it to run again.", e); }
    }

    /// <summary>
    /// Adds one result: the file is read again and merged under a lock file, since two processes may write into the
    /// same artifacts folder (Table 2's <c>--rows</c> splits the work), and replaced whole.
    /// </summary>
    public void Keep(string key, JsonNode result)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var gate = new FileStream(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var results = Read();
                results[key] = result;
                AtomicFile.WriteAllText(Path, results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                return;
            }
            catch (IOException) when (attempt < 100 && File.Exists(Path + ".lock")) { Thread.Sleep(100); }
        }
    }
}
