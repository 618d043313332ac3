using System.Text;

namespace MLNet.SentenceEmbeddings.Cli.Embedding;

/// <summary>Small text files (the resume manifest) written whole or not at all.</summary>
internal static class AtomicText
{
    // TODO merge: use IO.AtomicFile (temporary sibling, then rename), written in parallel by the reliability work.
    public static void Write(string path, string text)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(new UTF8Encoding(false).GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
