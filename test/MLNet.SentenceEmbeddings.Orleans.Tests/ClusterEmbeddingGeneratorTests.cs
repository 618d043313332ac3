using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

[TestClass]
public sealed class ClusterEmbeddingGeneratorTests
{
    [TestMethod]
    public async Task ManyConcurrentClientsGetTheSingleProcessVectors()
    {
        var cluster = await SharedCluster.GetAsync();
        var sentences = ShardCorpus.Sentences(96, skip: 500);
        var expected = ShardCorpus.Reference.Encode(sentences.ToList<string?>());
        // The app's one registration: the same line with SentenceEmbeddingGenerator would embed locally.
        var services = new ServiceCollection().AddSingleton<IGrainFactory>(cluster.Client).AddClusterEmbeddingGenerator(textsPerCall: 3);
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.IsInstanceOfType<ClusterEmbeddingGenerator>(generator);

        // 16 clients of 6 sentences each, all at once: their calls meet in the silos' batches.
        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(() => generator.GenerateAsync(sentences.Skip(c * 6).Take(6)))).ToArray();
        var results = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromMinutes(2));
        for (int c = 0; c < clients.Length; c++)
            for (int i = 0; i < 6; i++)
            {
                double cos = VectorMath.Cosine(expected[c * 6 + i], results[c][i].Vector.ToArray());
                Assert.IsTrue(cos >= 0.99999, $"client {c}, sentence {i}: cosine {cos} to the single-process vector");
            }
        Assert.AreEqual(SiloEmbeddingOptions.DefaultModel, results[0][0].ModelId);
    }

    [TestMethod]
    public async Task DimensionsTruncatesAndRenormalisesAsTheLocalGeneratorDoes()
    {
        var cluster = await SharedCluster.GetAsync();
        using var local = new SentenceEmbeddingGenerator(ShardCorpus.Reference);
        var remote = new ClusterEmbeddingGenerator(cluster.Client);
        var options = new EmbeddingGenerationOptions { Dimensions = 64 };
        var a = (await local.GenerateAsync(["A man is playing a guitar."], options))[0].Vector.ToArray();
        var b = (await remote.GenerateAsync(["A man is playing a guitar."], options))[0].Vector.ToArray();
        Assert.AreEqual(64, b.Length);
        Assert.IsTrue(VectorMath.Cosine(a, b) >= 0.99999);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => remote.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 999 }));
    }

    [TestMethod]
    public async Task ARequestLargerThanTheQueueIsRefusedNotHung()
    {
        var cluster = await SharedCluster.GetAsync();
        var grain = cluster.Client.GetGrain<IEmbeddingGrain>(0);
        var texts = Enumerable.Repeat("too many", SharedCluster.QueueCapacity + 1).ToArray();
        // The refusal is immediate; the bound only turns a regression into a failure instead of a stuck run.
        var e = await Assert.ThrowsExactlyAsync<EmbeddingQueueFullException>(() => grain.EmbedAsync(texts).WaitAsync(TimeSpan.FromMinutes(1)));
        StringAssert.Contains(e.Message, $"QueueCapacity ({SharedCluster.QueueCapacity})");
        Assert.AreEqual(1, (await grain.EmbedAsync(["fits"])).Length, "the silo still serves after a refusal");
    }

    [TestMethod]
    public async Task ACancelledCallEndsCancelled()
    {
        var cluster = await SharedCluster.GetAsync();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            new ClusterEmbeddingGenerator(cluster.Client).GenerateAsync(["never embedded"], cancellationToken: cancel.Token));
    }
}
