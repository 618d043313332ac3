using System.Text;

namespace MLNet.SentenceEmbeddings.IO;

/// <summary>
/// Writes a file so that it appears whole or not at all: the bytes go to a temporary sibling
/// (<c>.NAME.RANDOM.tmp</c> in the same folder), are flushed to disk, the sibling is then renamed over
/// <c>NAME</c>, and on Unix the folder is flushed so that the rename survives a power loss. A reader sees the old file or the
/// new one, never a half-written one; a writer that fails (an exception, a cancellation) leaves the old file untouched
/// and removes its temporary sibling.
/// </summary>
/// <remarks>
/// A process killed outright (SIGKILL, power loss) cannot clean up: the target is still intact (old or new), and a
/// <c>.NAME.*.tmp</c> sibling may remain. The new file gets default permissions, not those of the file it replaces.
/// </remarks>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Starts a file at <paramref name="path"/>: write to <see cref="AtomicFileWriter.Stream"/>, then <see cref="AtomicFileWriter.Commit"/>.</summary>
    /// <param name="path">The file to create or replace; its folder is created when missing.</param>
    /// <param name="unixCreateMode">Permissions of the new file on Unix (e.g. owner-only); null: the process default.</param>
    public static AtomicFileWriter Create(string path, UnixFileMode? unixCreateMode = null) => new(path, unixCreateMode);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; an exception thrown by it leaves the old file as it was.</summary>
    public static void Write(string path, Action<Stream> write, UnixFileMode? unixCreateMode = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = Create(path, unixCreateMode);
        write(writer.Stream);
        writer.Commit();
    }

    /// <summary>Asynchronous <see cref="Write(string, Action{Stream}, UnixFileMode?)"/>.</summary>
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = Create(path);
        await write(writer.Stream, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        writer.Commit();
    }

    /// <summary>Writes <paramref name="contents"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        Write(path, s => s.Write(Utf8NoBom.GetBytes(contents)));
    }

    /// <summary>Writes <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, UnixFileMode? unixCreateMode = null)
    {
        using var writer = Create(path, unixCreateMode);
        writer.Stream.Write(bytes);
        writer.Commit();
    }

    /// <summary>A fresh temporary sibling name for <paramref name="fullPath"/>: same folder (so the rename stays on one file system), hidden.</summary>
    internal static string TemporarySibling(string fullPath, string suffix) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.{suffix}");
}
