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

    /// <summary>
    /// Greedy soup: folders tried best own score first, each kept only where the soup with it scores at least as well.
    /// One weight is shifted by 0, 2 and -1.5 in three folders and the score is -(mean shift - 0.6)^2: alone they score
    /// -0.36, -1.96 and -4.41, so the second-best folder is tried first after the best and kept (the two average to a
    /// shift of 1, -0.16), and the worst is tried last and left out (all three: 0.17, -0.19).
    /// </summary>
    [TestMethod]
    public void GreedySoupKeepsAFolderOnlyWhereTheSoupScoresAtLeastAsWell()
    {
        string root = Fixtures.NewTempDir();
        // Given worst first, so the order tried must come from the scores, not from the list.
        var shifts = new[] { ("worst", -1.5), ("best", 0.0), ("second", 2.0) };
        float baseline;
        using (var encoder = Fixtures.Tiny(1)) baseline = Shift(encoder).mean().item<float>();
        var folders = shifts.Select(x =>
        {
            string folder = Path.Combine(root, x.Item1);
            using var encoder = Fixtures.Tiny(1);
            using (no_grad()) Shift(encoder).add_(x.Item2);
            encoder.Save(folder);
            return folder;
        }).ToList();
        int calls = 0;
        double Score(SentenceEncoder e)
        {
            calls++;
            double shift = Shift(e).mean().item<float>() - baseline;
            return -(shift - 0.6) * (shift - 0.6);
        }
        using var soup = ModelSoup.Greedy(folders, Score);
        CollectionAssert.AreEqual(new[] { folders[1], folders[2] }, soup.Ingredients.ToArray());
        CollectionAssert.AreEqual(new[] { folders[1], folders[2], folders[0] }, soup.OwnScores.Select(x => x.Folder).ToArray());
        Assert.AreEqual(-0.36, soup.OwnScores[0].Score, 1e-4);
        Assert.AreEqual(-0.16, soup.Score, 1e-4);
        Assert.AreEqual(1.0, Shift(soup.Model).mean().item<float>() - baseline, 1e-4, "the soup is not the mean of its two ingredients");
        Assert.AreEqual(5, calls, "three folders alone, then two soups");

        var e = Assert.ThrowsExactly<ArgumentException>(() => ModelSoup.Greedy(folders, _ => double.NaN));
        StringAssert.Contains(e.Message, folders[0]);

        // The first bias: one weight, found the same way in every folder and soup.
        static TorchSharp.Modules.Parameter Shift(SentenceEncoder encoder) => encoder.Modules.named_parameters().First(p => p.name.EndsWith("bias", StringComparison.Ordinal)).parameter;
    }

    /// <summary>The cross-encoder greedy soup averages as <see cref="ModelSoup.AverageCrossEncoders"/> does, head included.</summary>
    [TestMethod]
    public void GreedyCrossEncoderSoupAveragesTheHeadsItKeeps()
    {
        var folders = new[] { 1L, 2L }.Select(seed =>
        {
            string folder = Path.Combine(Fixtures.NewTempDir(), $"ce{seed}");
            using var ce = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 1,
                pooling: PoolingMode.Mean, compareSegments: true, crossSentenceGate: -4);
            using (no_grad())
                foreach (var (_, p) in ce.Head.named_parameters()) p.add_(seed);
            ce.Save(folder);
            return folder;
        }).ToList();
        // Every model scores alike, so the second folder is kept (at least as well) and the heads average to +1.5.
        using var soup = ModelSoup.GreedyCrossEncoders(folders, _ => 1.0);
        CollectionAssert.AreEqual(folders, soup.Ingredients.ToArray());
        using var start = CrossEncoder.CreateRandom(Fixtures.TinyConfig, Fixtures.Vocab, 1, pooler: false, maxSequenceLength: 64, seed: 1,
            pooling: PoolingMode.Mean, compareSegments: true, crossSentenceGate: -4);
        foreach (var ((name, mixed), (_, own)) in soup.Model.Head.named_parameters().Zip(start.Head.named_parameters()))
        {
            using var expected = own + 1.5;
            Assert.IsTrue(mixed.allclose(expected, rtol: 1e-5, atol: 1e-6), name);
        }
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
