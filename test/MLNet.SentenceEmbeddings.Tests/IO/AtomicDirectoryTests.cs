using MLNet.SentenceEmbeddings.IO;

namespace MLNet.SentenceEmbeddings.Tests.IO;

[TestClass]
public class AtomicDirectoryTests
{
    private static string[] Names(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order().ToArray()!;

    [TestCleanup]
    public void RestoreExchange() => AtomicDirectory.DisableExchange = false;

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ANewFolderReplacesTheOldOneWhole(bool twoRenames)
    {
        AtomicDirectory.DisableExchange = twoRenames;
        string parent = Fixtures.NewTempDir();
        string model = Path.Combine(parent, "model");
        AtomicDirectory.Write(model, d => { File.WriteAllText(Path.Combine(d, "a.txt"), "1"); File.WriteAllText(Path.Combine(d, "stale.txt"), "x"); });
        long exchanges = AtomicDirectory.Exchanges;
        AtomicDirectory.Write(model, d => File.WriteAllText(Path.Combine(d, "a.txt"), "2"));
        // Linux swaps in one renameat2(RENAME_EXCHANGE) call (ext4, tmpfs, overlayfs, btrfs, xfs support it).
        Assert.AreEqual(!twoRenames && OperatingSystem.IsLinux(), AtomicDirectory.Exchanges > exchanges, "which swap ran");
        CollectionAssert.AreEqual(new[] { "a.txt" }, Names(model), "no stale file of the old folder survives");
        Assert.AreEqual("2", File.ReadAllText(Path.Combine(model, "a.txt")));
        CollectionAssert.AreEqual(new[] { "model" }, Names(parent), "no temporary or old sibling left");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ABuildThatThrowsLeavesTheOldFolderAndNoLitter(bool twoRenames)
    {
        AtomicDirectory.DisableExchange = twoRenames;
        string parent = Fixtures.NewTempDir();
        string model = Path.Combine(parent, "model");
        AtomicDirectory.Write(model, d => File.WriteAllText(Path.Combine(d, "weights"), "old"));
        Assert.ThrowsExactly<IOException>(() => AtomicDirectory.Write(model, d =>
        {
            File.WriteAllText(Path.Combine(d, "weights"), "half");
            Directory.CreateDirectory(Path.Combine(d, "1_Pooling"));
            throw new IOException("disk full");
        }));
        CollectionAssert.AreEqual(new[] { "weights" }, Names(model));
        Assert.AreEqual("old", File.ReadAllText(Path.Combine(model, "weights")));
        CollectionAssert.AreEqual(new[] { "model" }, Names(parent));
    }

    [TestMethod]
    public void ABuildThatThrowsCreatesNothingWhenThereWasNoFolder()
    {
        string parent = Fixtures.NewTempDir();
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            AtomicDirectory.Write(Path.Combine(parent, "model"), _ => throw new OperationCanceledException()));
        Assert.AreEqual(0, Names(parent).Length);
    }

    [TestMethod]
    public void TheBuildWritesIntoASiblingNotTheTarget()
    {
        string parent = Fixtures.NewTempDir();
        string model = Path.Combine(parent, "model");
        string? seen = null;
        AtomicDirectory.Write(model + Path.DirectorySeparatorChar, d =>
        {
            seen = d;
            Assert.IsFalse(Directory.Exists(model), "the target appears only when complete");
            Assert.AreEqual(0, Directory.GetFileSystemEntries(d).Length, "the build starts from an empty folder");
        });
        Assert.AreEqual(parent, Path.GetDirectoryName(seen));
        Assert.IsTrue(Directory.Exists(model));
    }

    [TestMethod]
    public void AFileAtTheTargetIsRefused()
    {
        string parent = Fixtures.NewTempDir();
        string file = Path.Combine(parent, "model");
        File.WriteAllText(file, "x");
        Assert.ThrowsExactly<IOException>(() => AtomicDirectory.Write(file, _ => { }));
        Assert.AreEqual("x", File.ReadAllText(file));
    }
}
