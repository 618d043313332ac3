using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Tests.IO;

[TestClass]
public class AtomicFileTests
{
    private static string[] Names(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order().ToArray()!;

    [TestMethod]
    public void WritesANewFileAndReplacesAnOldOne()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "sub", "out.tsv");
        AtomicFile.WriteAllText(path, "first");
        Assert.AreEqual("first", File.ReadAllText(path));
        AtomicFile.WriteAllText(path, "second");
        Assert.AreEqual("second", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "out.tsv" }, Names(Path.Combine(dir, "sub")));
    }

    [TestMethod]
    public void ACommitFlushesTheFolderThatHoldsTheNewName()
    {
        if (OperatingSystem.IsWindows()) Assert.Inconclusive("Windows has no folder handle to flush.");
        string path = Path.Combine(Fixtures.NewTempDir(), "out.tsv");
        long before = DiskFlush.FoldersFlushedOnThisThread;
        AtomicFile.WriteAllText(path, "first");
        Assert.AreEqual(1, DiskFlush.FoldersFlushedOnThisThread - before, "the rename is durable only once its folder is flushed");
        using (var abandoned = AtomicFile.Create(path)) abandoned.Stream.WriteByte(1);
        Assert.AreEqual(1, DiskFlush.FoldersFlushedOnThisThread - before, "an abandoned write renames nothing, so flushes nothing");
    }

    /// <summary>A folder the process may write but not read cannot be flushed; the rename in it is done, so the write succeeds.</summary>
    [TestMethod]
    public void AFolderThatCannotBeReadStillTakesTheWrite()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            Assert.Inconclusive("needs Unix permissions that bind the process (root ignores them)");
            return;
        }
        string dir = Path.Combine(Fixtures.NewTempDir(), "write-only");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            string path = Path.Combine(dir, "out.tsv");
            long before = DiskFlush.FoldersFlushedOnThisThread;
            AtomicFile.WriteAllText(path, "written");
            Assert.AreEqual("written", File.ReadAllText(path));
            Assert.AreEqual(0, DiskFlush.FoldersFlushedOnThisThread - before, "a folder it could not open was counted as flushed");
        }
        finally { File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }

    [TestMethod]
    public void AWriterThatThrowsHalfWayLeavesTheOldFileAndNoTemporaryFile()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "out.tsv");
        File.WriteAllText(path, "old result");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]); // past the stream's buffer: bytes reached the temporary file
            throw new InvalidOperationException("failed half-way");
        }));
        Assert.AreEqual("failed half-way", e.Message);
        Assert.AreEqual("old result", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "out.tsv" }, Names(dir));
    }

    [TestMethod]
    public void AnUncommittedWriterIsAbandonedOnDispose()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "out.bin");
        string temp;
        using (var w = AtomicFile.Create(path))
        {
            temp = w.TemporaryPath;
            w.Stream.Write(new byte[] { 1, 2, 3 });
            w.Stream.Flush();
            Assert.AreEqual(dir, Path.GetDirectoryName(temp), "the temporary file is a sibling (same file system)");
            Assert.IsTrue(File.Exists(temp));
            Assert.IsFalse(File.Exists(path), "nothing at the target before Commit");
        }
        Assert.IsFalse(File.Exists(temp));
        Assert.IsFalse(File.Exists(path));
        Assert.AreEqual(0, Names(dir).Length);
    }

    [TestMethod]
    public void CancellationDuringAnAsyncWriteLeavesTheOldFile()
    {
        string dir = Fixtures.NewTempDir();
        string path = Path.Combine(dir, "out.tsv");
        File.WriteAllText(path, "old");
        using var cts = new CancellationTokenSource();
        Assert.ThrowsExactly<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (s, ct) =>
        {
            await s.WriteAsync(new byte[10], ct);
            cts.Cancel();
        }, cts.Token).GetAwaiter().GetResult());
        Assert.AreEqual("old", File.ReadAllText(path));
        CollectionAssert.AreEqual(new[] { "out.tsv" }, Names(dir));
    }

    [TestMethod]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void OwnerOnlyModeIsApplied()
    {
        if (OperatingSystem.IsWindows()) Assert.Inconclusive("Unix permissions only.");
        string path = Path.Combine(Fixtures.NewTempDir(), "private.bin");
        AtomicFile.WriteAllBytes(path, new byte[] { 1 }, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [TestMethod]
    public void CommitTwiceAndAFolderTargetAreRefused()
    {
        string dir = Fixtures.NewTempDir();
        using (var w = AtomicFile.Create(Path.Combine(dir, "a")))
        {
            w.Commit();
            Assert.ThrowsExactly<InvalidOperationException>(() => w.Commit());
        }
        Assert.ThrowsExactly<IOException>(() => AtomicFile.WriteAllText(dir, "x"));
    }
}
