using MLNet.SentenceEmbeddings.Native;

namespace MLNet.SentenceEmbeddings.Tests.Native;

[TestClass]
public class GlibcHeapTests
{
    [TestMethod]
    public void AnEncoderPlacedOnTheCpuKeepsFreedMemoryByDefault()
    {
        Assert.IsTrue(new SentenceEncoderOptions().KeepFreedMemory);
        using var encoder = Fixtures.Tiny();
        // libtorch's linux-x64 build needs glibc, so on Linux mallopt is there and must have been applied.
        if (OperatingSystem.IsLinux())
            Assert.IsTrue(GlibcHeap.KeepsFreedMemory, "mallopt was applied when the encoder was placed on the CPU");
    }
}
