using MLNet.SentenceEmbeddings.Native;
using TorchSharp;

namespace MLNet.SentenceEmbeddings.Tests.Native;

[TestClass]
public class TorchNativeLoaderTests
{
    private static string TorchSharpNative()
    {
        var report = TorchNativeLoader.EnsureLoaded();
        Assert.IsNotNull(report.Original, "the TorchSharp native library should be found on Linux");
        return report.Original!;
    }

    private static string SystemLibStdCxx() =>
        File.ReadLines("/proc/self/maps").Select(l => l.IndexOf('/') is int i && i >= 0 ? l[i..].Trim() : "")
            .First(p => p.Contains("libstdc++.so"));

    [TestMethod]
    public void TorchComputesCorrectlyAfterEnsureLoaded()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The fix is Linux-only.");
        TorchNativeLoader.EnsureLoaded();
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = a.matmul(b);
        CollectionAssert.AreEqual(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }

    [TestMethod]
    public void PatchesExactlyWhenTheSystemLibStdCxxLacksANeededVersion()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The fix is Linux-only.");
        var report = TorchNativeLoader.EnsureLoaded();
        var provided = ElfVersionNeeds.Read(SystemLibStdCxx()).Definitions();
        var needed = ElfVersionNeeds.Read(TorchSharpNative()).Needs()
            .Where(n => n.File.StartsWith("libstdc++", StringComparison.Ordinal)).Select(n => n.Version).ToList();
        var missing = needed.Where(v => !provided.Contains(v)).ToList();
        if (missing.Count == 0)
        {
            Assert.AreEqual("none", report.Action, "a system that already satisfies TorchSharp must be left untouched");
        }
        else
        {
            Assert.AreEqual("patched", report.Action);
            CollectionAssert.AreEquivalent(missing, report.WeakenedVersions.ToList());
            Assert.AreNotEqual(report.Original, report.Loaded, "the original file must not be modified");
        }
    }

    [TestMethod]
    public void WeakeningChangesOnlyTheFlagsOfTheMissingVersion()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The fix is Linux-only.");
        string path = TorchSharpNative();
        var original = File.ReadAllBytes(path);
        var elf = new ElfVersionNeeds((byte[])original.Clone(), path);
        var need = elf.Needs().Single(n => n.Version == "GLIBCXX_3.4.32");
        Assert.IsFalse(need.IsWeak);
        Assert.AreEqual(0, elf.RelocatedSymbolsOfVersion(need.Index).Count, "no relocation may bind a symbol of the weakened version");
        elf.MarkWeak(need);
        Assert.IsTrue(new ElfVersionNeeds(elf.Image, path).Needs().Single(n => n.Version == "GLIBCXX_3.4.32").IsWeak);
        int changed = original.Zip(elf.Image).Count(p => p.First != p.Second);
        Assert.AreEqual(1, changed, "only the low byte of vna_flags may change");
    }

    [TestMethod]
    public void RefusesToWeakenAVersionThatRelocationsUse()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The fix is Linux-only.");
        var elf = ElfVersionNeeds.Read(TorchSharpNative());
        // GLIBCXX_3.4 is the base libstdc++ version: many symbols bind through it, so the safety check must see them.
        var basic = elf.Needs().Single(n => n.Version == "GLIBCXX_3.4");
        Assert.IsTrue(elf.RelocatedSymbolsOfVersion(basic.Index).Count > 0);
    }

    [TestMethod]
    public void NothingIsMissingWhenTheSystemProvidesEveryVersion()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("The fix is Linux-only.");
        var elf = ElfVersionNeeds.Read(TorchSharpNative());
        var all = elf.Needs().Select(n => n.Version).ToHashSet();
        Assert.AreEqual(0, TorchNativeLoader.MissingVersions(elf, all).Count);
        var withoutNewest = all.Where(v => v != "GLIBCXX_3.4.32").ToHashSet();
        Assert.AreEqual("GLIBCXX_3.4.32", TorchNativeLoader.MissingVersions(elf, withoutNewest).Single().Version);
    }

    [TestMethod]
    public void RejectsFilesThatAreNotElf()
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => new ElfVersionNeeds(new byte[100], "fake.so"));
        StringAssert.Contains(e.Message, "fake.so");
    }

    private static byte[] Image(int seed)
    {
        var bytes = new byte[4096];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [TestMethod]
    public void ACachedCopyOfTheRightLengthButOtherBytesIsReplacedNotLoaded()
    {
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        var image = Image(1);
        string path = TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, image);
        CollectionAssert.AreEqual(image, File.ReadAllBytes(path));
        // Another user's (or a corrupted) library planted at the same place, same length.
        var planted = Image(2);
        File.WriteAllBytes(path, planted);
        Assert.AreEqual(image.Length, new FileInfo(path).Length);
        string again = TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, image);
        Assert.AreEqual(path, again);
        CollectionAssert.AreEqual(image, File.ReadAllBytes(again), "the planted bytes must be replaced by ours");
        Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(path)!).Length, "no temporary file left");
    }

    [TestMethod]
    public void AnIntactCachedCopyIsReusedWithoutRewriting()
    {
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        var image = Image(3);
        string path = TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, image);
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, image);
        Assert.AreEqual(written.AddHours(-1), File.GetLastWriteTimeUtc(path), "a verified copy is not written again");
    }

    [TestMethod]
    public void ALinkPlantedInPlaceOfTheLibraryIsReplacedByAFile()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("Linux only.");
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        var image = Image(4);
        string path = TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, image);
        string elsewhere = Path.Combine(Fixtures.NewTempDir(), "evil.so");
        File.WriteAllBytes(elsewhere, image); // even the right bytes: a link can change target after the check
        File.Delete(path);
        File.CreateSymbolicLink(path, elsewhere);
        TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, image);
        Assert.IsNull(new FileInfo(path).LinkTarget, "the link is replaced by our own file");
        CollectionAssert.AreEqual(image, File.ReadAllBytes(path));
    }

    [TestMethod]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TheCacheFoldersAreCreatedOwnerOnly()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("Unix permissions only.");
        string root = Path.Combine(Fixtures.NewTempDir(), "cache");
        string path = TorchNativeLoader.WritePatchedCopy(root, repairRoot: true, Image(5));
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        for (var dir = Path.GetDirectoryName(path)!; dir != Path.GetDirectoryName(root); dir = Path.GetDirectoryName(dir)!)
            Assert.AreEqual(ownerOnly, File.GetUnixFileMode(dir), dir);
        Assert.AreEqual(UnixFileMode.None, File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    [TestMethod]
    public void TheCacheRootIsNeverASharedTempFolder()
    {
        string? None(string _) => null;
        var (root, isDefault) = TorchNativeLoader.ResolveCacheRoot(None, home: "");
        Assert.IsTrue(isDefault);
        StringAssert.StartsWith(Path.GetFileName(root), "mlnet-sentence-embeddings-", "HOME unset: a per-user folder");
        Assert.AreNotEqual("mlnet-sentence-embeddings-", Path.GetFileName(root));
        Assert.AreEqual("/h/.cache/mlnet-sentence-embeddings", TorchNativeLoader.ResolveCacheRoot(None, "/h").Root);
        Assert.AreEqual("/x/mlnet-sentence-embeddings",
            TorchNativeLoader.ResolveCacheRoot(v => v == "XDG_CACHE_HOME" ? "/x" : null, "/h").Root);
        Assert.AreEqual("/h/.cache/mlnet-sentence-embeddings",
            TorchNativeLoader.ResolveCacheRoot(v => v == "XDG_CACHE_HOME" ? "relative" : null, "/h").Root, "a relative XDG_CACHE_HOME is ignored (XDG spec)");
        var own = TorchNativeLoader.ResolveCacheRoot(v => v == "MLNET_SENTENCE_EMBEDDINGS_CACHE" ? "/mine" : null, "/h");
        Assert.AreEqual(("/mine", false), own, "a folder the user names is checked, never repaired");
    }
}
