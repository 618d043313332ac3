using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Pooling;
using MLNet.SentenceEmbeddings.Training;
using static TorchSharp.torch;

namespace MLNet.SentenceEmbeddings.Tests.Training;

[TestClass]
public class ModelSoupTests
{
    /// <summary>Every weight of the soup is the element-wise mean of the same weight in each folder; the sources are untouched.</summary>
    [TestMethod]
    public void EveryWeightIsTheMeanOfTheFolders()
    {
        var folders = new[] { 1L, 2L, 3L }.Select(seed =>
        {
            string folder = Path.Combine(Fixtures.NewTempDir(), $"seed{seed}");
            using var encoder = Fixtures.Tiny(seed);
            encoder.Save(folder);
            return folder;
        }).ToList();
        using var soup = ModelSoup.Average(folders);
        var sources = folders.Select(f => SentenceEncoder.Load(f)).ToList();
        try
        {
            var mixed = soup.Modules.named_parameters().ToList();
            Assert.AreEqual(sources[0].Modules.named_parameters().Count(), mixed.Count);
            int differing = 0;
            foreach (var (name, p) in mixed)
            {
                var own = sources.Select(s => s.Modules.named_parameters().Single(q => q.name == name).parameter).ToList();
                using var mean = (own[0] + own[1] + own[2]) / 3;
                Assert.IsTrue(p.allclose(mean, rtol: 1e-5, atol: 1e-6), name);
                if (!own[0].allclose(own[1])) differing++;
            }
            Assert.IsTrue(differing > 0, "the seeds gave identical weights: the test would not see a wrong mean");
            // Vectors come from the averaged weights, not the first folder's.
            var s = new string?[] { "a man is eating food." };
            CollectionAssert.AreNotEqual(sources[0].Encode(s)[0], soup.Encode(s)[0]);
        }
        finally { foreach (var e in sources) e.Dispose(); }
    }

    /// <summary>
    /// A cross-encoder soup averages the encoder, the head and the gate alike, and keeps the first folder's layout:
    /// a weight left out (the gate sits in the head, the head outside the encoder) would keep the first seed's value.
    /// </summary>
    [TestMethod]
    public void CrossEncoderSoupAveragesEncoderHeadAndGate()
    {
        var folders = new[] { 1L, 2L, 3L }.Select(seed =>
        {
            string folder = Path.Combine(Fixtures.NewTempDir(), $"ce{seed}");
            using var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: seed,
                pooling: PoolingMode.Mean, compareSegments: true, separateLayers: 1, crossSentenceGate: -4);
            // The head and gate start from constants: give each seed its own, as training would.
            using (no_grad())
                foreach (var (_, p) in ce.Head.named_parameters()) p.add_(seed);
            ce.Save(folder);
            return folder;
        }).ToList();
        using var soup = ModelSoup.AverageCrossEncoders(folders);
        var sources = folders.Select(f => CrossEncoder.Load(f)).ToList();
        try
        {
            Assert.AreEqual(1, soup.SeparateLayers);
            Assert.IsNotNull(soup.Head.CrossSentenceGate);
            var parts = new Func<CrossEncoder, IEnumerable<(string name, TorchSharp.Modules.Parameter parameter)>>[] { m => m.Model.named_parameters(), m => m.Head.named_parameters() };
            var checkedNames = new List<string>();
            foreach (var part in parts)
            {
                int differing = 0;
                foreach (var (name, p) in part(soup))
                {
                    var own = sources.Select(s => part(s).Single(q => q.name == name).parameter).ToList();
                    using var mean = (own[0] + own[1] + own[2]) / 3;
                    Assert.IsTrue(p.allclose(mean, rtol: 1e-5, atol: 1e-6), name);
                    if (!own[0].allclose(own[1])) differing++;
                    checkedNames.Add(name);
                }
                Assert.IsTrue(differing > 0, "the seeds gave identical weights: the test would not see a wrong mean");
            }
            Assert.IsTrue(checkedNames.Any(n => n.Contains("gate", StringComparison.Ordinal)), "the gate's bias was not among the weights checked");
            var pair = new (string?, string?)[] { ("a man is eating food.", "a man eats.") };
            Assert.AreNotEqual(sources[0].Predict(pair)[0], soup.Predict(pair)[0]);
        }
        finally { foreach (var e in sources) e.Dispose(); }
    }

    [TestMethod]
    public void FoldersOfAnotherArchitectureFailNamingTheFolder()
    {
        string a = Path.Combine(Fixtures.NewTempDir(), "tiny"), b = Path.Combine(Fixtures.NewTempDir(), "wider");
        using (var encoder = Fixtures.Tiny(1)) encoder.Save(a);
        var wider = Fixtures.TinyConfig with { IntermediateSize = 96 };
        using (var encoder = SentenceEncoder.CreateRandom(wider, Fixtures.Vocab, maxSequenceLength: 64, seed: 1)) encoder.Save(b);
        var e = Assert.Throws<InvalidDataException>(() => ModelSoup.Average(new[] { a, b }));
        StringAssert.Contains(e.Message, b);
        StringAssert.Contains(e.Message, "intermediate");
        Assert.Throws<ArgumentException>(() => ModelSoup.Average(Array.Empty<string>()));
    }
}
