using MLNet.SentenceEmbeddings.Native;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Native;

[TestClass]
public class AutocastTests
{
    [TestMethod]
    public void MatrixProductsRunInBFloat16OnlyInsideTheScope()
    {
        using var a = randn(4, 8);
        using var b = randn(8, 3);
        Assert.IsFalse(Autocast.IsEnabled);
        using (Autocast.BFloat16())
        {
            Assert.IsTrue(Autocast.IsEnabled);
            using var inside = a.mm(b);
            using var sum = a + 1; // not on autocast's lower-precision list: stays float32
            Assert.AreEqual(ScalarType.BFloat16, inside.dtype);
            Assert.AreEqual(ScalarType.Float32, sum.dtype);
        }
        Assert.IsFalse(Autocast.IsEnabled);
        using var outside = a.mm(b);
        Assert.AreEqual(ScalarType.Float32, outside.dtype);
    }

    [TestMethod]
    public void NestedScopesRestoreTheOuterState()
    {
        var outer = Autocast.BFloat16();
        using (Autocast.BFloat16()) Assert.IsTrue(Autocast.IsEnabled);
        Assert.IsTrue(Autocast.IsEnabled, "closing the inner scope must leave the outer one on");
        outer.Dispose();
        Assert.IsFalse(Autocast.IsEnabled);
        outer.Dispose(); // idempotent
        Assert.IsFalse(Autocast.IsEnabled);
    }

    [TestMethod]
    public void GradientsReachFloat32Weights()
    {
        using var w = randn(8, 3).requires_grad_(true);
        using var x = randn(4, 8);
        Tensor loss;
        using (Autocast.BFloat16()) loss = x.mm(w).pow(2).sum();
        loss.backward();
        Assert.AreEqual(ScalarType.Float32, w.grad!.dtype);
        Assert.IsTrue(w.grad!.abs().sum().item<float>() > 0);
        loss.Dispose();
    }
}
