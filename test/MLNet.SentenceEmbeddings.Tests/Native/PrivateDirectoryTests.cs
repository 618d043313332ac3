using System.Runtime.InteropServices;
using MLNet.SentenceEmbeddings.Native;

namespace MLNet.SentenceEmbeddings.Tests.Native;

[TestClass]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PrivateDirectoryTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode WorldWritable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                               | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown(string path, uint owner, uint group);

    [TestInitialize]
    public void LinuxOnly()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The checks run on Linux, where the patched library is written.");
    }

    [TestMethod]
    public void AWorldWritableCacheFolderOfOursIsRepaired()
    {
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        string native = PrivateDirectory.Ensure(root, repairRoot: true, "native");
        File.SetUnixFileMode(native, WorldWritable);
        File.SetUnixFileMode(root, WorldWritable);
        Assert.AreEqual(native, PrivateDirectory.Ensure(root, repairRoot: true, "native"));
        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(native) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(root) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    [TestMethod]
    public void AWorldWritableFolderTheUserNamedIsRefusedNotChanged()
    {
        string root = Fixtures.NewTempDir();
        File.SetUnixFileMode(root, WorldWritable);
        var e = Assert.ThrowsExactly<UnauthorizedAccessException>(() => PrivateDirectory.Ensure(root, repairRoot: false, "native"));
        StringAssert.Contains(e.Message, root);
        StringAssert.Contains(e.Message, "MLNET_SENTENCE_EMBEDDINGS_CACHE");
        Assert.AreEqual(WorldWritable, File.GetUnixFileMode(root));
    }

    [TestMethod]
    public void AFolderAboveThatOthersCanReplaceIsRefused()
    {
        string shared = Fixtures.NewTempDir();
        File.SetUnixFileMode(shared, WorldWritable); // writable by all and not sticky, unlike /tmp
        var e = Assert.ThrowsExactly<UnauthorizedAccessException>(() => PrivateDirectory.Ensure(Path.Combine(shared, "cache"), repairRoot: true, "native"));
        StringAssert.Contains(e.Message, shared);
        File.SetUnixFileMode(shared, WorldWritable | UnixFileMode.StickyBit); // as /tmp: allowed
        PrivateDirectory.Ensure(Path.Combine(shared, "cache"), repairRoot: true, "native");
    }

    [TestMethod]
    public void AFolderOwnedByAnotherUserIsRefused()
    {
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        string native = PrivateDirectory.Ensure(root, repairRoot: true, "native");
        string foreign = native;
        if (Chown(native, 65534, 65534) != 0) foreign = "/"; // not root: "/" is a folder owned by another user (root)
        var e = Assert.ThrowsExactly<UnauthorizedAccessException>(() =>
            PrivateDirectory.Ensure(foreign == native ? root : foreign, repairRoot: true, foreign == native ? "native" : "x"));
        StringAssert.Contains(e.Message, "owned by uid");
    }

    [TestMethod]
    public void ALinkPlantedAsACacheFolderIsRefused()
    {
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        PrivateDirectory.Ensure(root, repairRoot: true);
        string elsewhere = Fixtures.NewTempDir();
        Directory.CreateSymbolicLink(Path.Combine(root, "native"), elsewhere);
        var e = Assert.ThrowsExactly<UnauthorizedAccessException>(() => PrivateDirectory.Ensure(root, repairRoot: true, "native"));
        StringAssert.Contains(e.Message, "symbolic link");
    }

    [TestMethod]
    public void MissingParentsAreCreatedOwnerOnly()
    {
        string top = Fixtures.NewTempDir();
        string deep = PrivateDirectory.Ensure(Path.Combine(top, "a", "b"), repairRoot: true, "c");
        Assert.AreEqual(OwnerOnly, File.GetUnixFileMode(Path.Combine(top, "a")));
        Assert.AreEqual(OwnerOnly, File.GetUnixFileMode(deep));
    }
}
