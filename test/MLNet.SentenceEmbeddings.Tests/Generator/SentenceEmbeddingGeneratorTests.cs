using Microsoft.Extensions.AI;

namespace MLNet.SentenceEmbeddings.Tests.Generator;

[TestClass]
public sealed class SentenceEmbeddingGeneratorTests
{
    [TestMethod]
    public async Task ConcurrentCallsGiveTheSequentialResults()
    {
        var sentences = Fixtures.StsbSentences(120).Select(s => s!).ToList();
        var chunks = sentences.Chunk(15).ToList();
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm);

        var sequential = new List<float[][]>();
        foreach (var chunk in chunks)
            sequential.Add((await generator.GenerateAsync(chunk)).Select(e => e.Vector.ToArray()).ToArray());

        // All chunks at once, from thread-pool threads, plus direct encoder calls competing for the same model.
        var concurrent = chunks.Select(chunk => Task.Run(() => generator.GenerateAsync(chunk))).ToList();
        var direct = Task.Run(() => Fixtures.MiniLm.Encode(chunks[0].ToList<string?>()));
        await Task.WhenAll(concurrent);

        for (int c = 0; c < chunks.Count; c++)
        {
            var got = concurrent[c].Result;
            Assert.HasCount(chunks[c].Length, got);
            for (int i = 0; i < got.Count; i++)
                CollectionAssert.AreEqual(sequential[c][i], got[i].Vector.ToArray(), $"chunk {c}, sentence {i}");
        }
        CollectionAssert.AreEqual(sequential[0][3], (await direct)[3]);
    }

    [TestMethod]
    public async Task EmbeddingsMatchTheEncoderAndCarryTheModelId()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm, modelId: "minilm-test");
        var texts = new[] { "A man is playing a guitar.", "Someone plays the guitar.", "" };
        var result = await generator.GenerateAsync(texts);
        var expected = Fixtures.MiniLm.Encode(texts);
        Assert.HasCount(3, result);
        for (int i = 0; i < 3; i++)
        {
            CollectionAssert.AreEqual(expected[i], result[i].Vector.ToArray());
            Assert.AreEqual("minilm-test", result[i].ModelId);
            Assert.AreEqual(384, result[i].Dimensions);
        }
        // [CLS] a man is playing a guitar . [SEP] = 9, [CLS] someone plays the guitar . [SEP] = 7, [CLS] [SEP] = 2
        Assert.AreEqual(18L, result.Usage!.InputTokenCount);
    }

    [TestMethod]
    public async Task DimensionsTruncateAndRenormalise()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm);
        const string text = "Truncated embeddings keep the leading components.";
        float[] full = (await generator.GenerateAsync(new[] { text }))[0].Vector.ToArray();
        float[] cut = (await generator.GenerateAsync(new[] { text }, new EmbeddingGenerationOptions { Dimensions = 64 }))[0].Vector.ToArray();

        Assert.HasCount(64, cut);
        double norm = Math.Sqrt(cut.Sum(x => (double)x * x));
        Assert.AreEqual(1.0, norm, 1e-5);
        double headNorm = Math.Sqrt(full.Take(64).Sum(x => (double)x * x));
        for (int i = 0; i < 64; i++) Assert.AreEqual(full[i] / headNorm, cut[i], 1e-6, $"component {i}");
        // Full width is returned as the encoder gives it.
        Assert.HasCount(384, (await generator.GenerateAsync(new[] { text }, new EmbeddingGenerationOptions { Dimensions = 384 }))[0].Vector.ToArray());
    }

    [TestMethod]
    public async Task DimensionsBeyondTheModelOrBelowOneAreRejected()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm);
        var tooWide = await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(
            () => generator.GenerateAsync(new[] { "x" }, new EmbeddingGenerationOptions { Dimensions = 385 }));
        StringAssert.Contains(tooWide.Message, "384");
        Assert.AreEqual("options", tooWide.ParamName);
        await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(
            () => generator.GenerateAsync(new[] { "x" }, new EmbeddingGenerationOptions { Dimensions = 0 }));
        var wrongModel = await Assert.ThrowsExactlyAsync<ArgumentException>(
            () => generator.GenerateAsync(new[] { "x" }, new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" }));
        StringAssert.Contains(wrongModel.Message, "text-embedding-3-small");
    }

    [TestMethod]
    public void DefaultModelIdNamesTheModelNotItsWeightsFile()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm);
        Assert.AreEqual("all-MiniLM-L6-v2", generator.ModelId);
        string dir = Path.Combine(Fixtures.NewTempDir(), "my-tuned-model");
        Directory.CreateDirectory(dir);
        string weights = Path.Combine(dir, "model.safetensors");
        File.WriteAllText(weights, "");
        Assert.AreEqual("my-tuned-model", SentenceEmbeddingGenerator.DefaultModelId(weights));
        Assert.AreEqual("my-tuned-model", SentenceEmbeddingGenerator.DefaultModelId(dir + "/"));
        Assert.AreEqual("random", SentenceEmbeddingGenerator.DefaultModelId("random"));
    }

    [TestMethod]
    public void TruncateLeavesAZeroVectorAtZero()
    {
        CollectionAssert.AreEqual(new float[] { 0, 0 }, SentenceEmbeddingGenerator.Truncate(new float[] { 0, 0, 5 }, 2));
        CollectionAssert.AreEqual(new float[] { 0.6f, 0.8f }, SentenceEmbeddingGenerator.Truncate(new float[] { 3, 4, 12 }, 2));
    }

    [TestMethod]
    public async Task LoadReportsMetadataAndOwnsTheEncoder()
    {
        var generator = SentenceEmbeddingGenerator.Load("default");
        IEmbeddingGenerator<string, Embedding<float>> abstraction = generator;
        var metadata = abstraction.GetService<EmbeddingGeneratorMetadata>();
        Assert.IsNotNull(metadata);
        Assert.AreEqual(SentenceEmbeddingGenerator.ProviderName, metadata.ProviderName);
        Assert.AreEqual("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.AreEqual(384, metadata.DefaultModelDimensions);
        Assert.AreSame(generator.Encoder, abstraction.GetService<SentenceEncoder>());
        Assert.AreSame(generator, abstraction.GetService<SentenceEmbeddingGenerator>());
        Assert.IsNull(abstraction.GetService<EmbeddingGeneratorMetadata>(serviceKey: "other"));

        var encoder = generator.Encoder;
        generator.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => encoder.Encode("after dispose"));
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(() => generator.GenerateAsync(new[] { "x" }));
    }

    [TestMethod]
    public async Task CancellationIsHonoured()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.Tiny(), ownsEncoder: true);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(() => generator.GenerateAsync(new[] { "a", "b" }, cancellationToken: cts.Token));
        // The generator is still usable afterwards (the queue was released).
        Assert.HasCount(2, await generator.GenerateAsync(new[] { "a", "b" }));
    }
}
