namespace MLNet.SentenceEmbeddings.Orleans.Tests;

[TestClass]
public sealed class DynamicBatcherTests
{
    /// <summary>An "encoder" whose first call waits for a gate, so requests pile up behind it deterministically.</summary>
    private sealed class GatedEncoder
    {
        public readonly ManualResetEventSlim Gate = new(false);
        public readonly ManualResetEventSlim Entered = new(false);
        public readonly List<int> CallSizes = [];

        public float[][] Encode(IReadOnlyList<string?> texts)
        {
            Entered.Set();
            Gate.Wait(TimeSpan.FromMinutes(1));
            lock (CallSizes) CallSizes.Add(texts.Count);
            return texts.Select(t => new[] { (float)t!.Length, t.GetHashCode() }).ToArray();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 6000 && !condition(); i++) await Task.Delay(10);
        Assert.IsTrue(condition(), "condition not reached within a minute");
    }

    [TestMethod]
    public async Task RequestsWaitingBehindABatchShareTheNextOneAndGetTheirOwnRows()
    {
        var encoder = new GatedEncoder();
        using var batcher = new DynamicBatcher(encoder.Encode, TimeSpan.Zero, maxBatchTexts: 100, capacity: 100);
        var first = batcher.EmbedAsync(["blocker"], CancellationToken.None);
        await WaitUntil(() => encoder.Entered.IsSet);   // the first batch is blocked in Encode
        var requests = Enumerable.Range(0, 5).Select(i => (Texts: new[] { $"a{i}", $"bb{i}", $"ccc{i}" }, Task: (Task<float[][]>?)null)).ToList();
        for (int i = 0; i < requests.Count; i++) requests[i] = (requests[i].Texts, batcher.EmbedAsync(requests[i].Texts, CancellationToken.None));
        Assert.AreEqual(15, batcher.WaitingTexts);
        encoder.Gate.Set();
        await first;
        foreach (var (texts, task) in requests)
        {
            var rows = await task!;
            CollectionAssert.AreEqual(texts.Select(t => (float)t.GetHashCode()).ToArray(), rows.Select(r => r[1]).ToArray(), "each request gets its own rows, in order");
        }
        CollectionAssert.AreEqual(new[] { 1, 15 }, encoder.CallSizes, "the five waiting requests went through one encoder call");
        Assert.AreEqual(2L, batcher.Batches);
    }

    [TestMethod]
    public async Task AFullQueueRefusesAtOnceAndTakesRequestsAgainOnceDrained()
    {
        var encoder = new GatedEncoder();
        using var batcher = new DynamicBatcher(encoder.Encode, TimeSpan.Zero, maxBatchTexts: 4, capacity: 6);
        var first = batcher.EmbedAsync(["blocker"], CancellationToken.None);
        await WaitUntil(() => encoder.Entered.IsSet);
        var waiting = batcher.EmbedAsync(["a", "b", "c", "d", "e"], CancellationToken.None);
        var e = Assert.ThrowsExactly<EmbeddingQueueFullException>(() => batcher.EmbedAsync(["f", "g"], CancellationToken.None));
        StringAssert.Contains(e.Message, "QueueCapacity (6)");
        Assert.ThrowsExactly<EmbeddingQueueFullException>(() => batcher.EmbedAsync(new string[7], CancellationToken.None), "larger than the whole queue");
        Assert.AreEqual(5, batcher.WaitingTexts, "a refused request leaves nothing behind");
        encoder.Gate.Set();
        await first;
        Assert.AreEqual(5, (await waiting).Length);
        Assert.AreEqual(2, (await batcher.EmbedAsync(["f", "g"], CancellationToken.None)).Length);
    }

    [TestMethod]
    public async Task ARequestCancelledWhileWaitingIsCancelledAndLeftOutOfTheBatch()
    {
        var encoder = new GatedEncoder();
        using var batcher = new DynamicBatcher(encoder.Encode, TimeSpan.Zero, maxBatchTexts: 100, capacity: 100);
        var first = batcher.EmbedAsync(["blocker"], CancellationToken.None);
        await WaitUntil(() => encoder.Entered.IsSet);
        using var cancel = new CancellationTokenSource();
        var cancelled = batcher.EmbedAsync(["x", "y"], cancel.Token);
        var kept = batcher.EmbedAsync(["z"], CancellationToken.None);
        cancel.Cancel();
        await Assert.ThrowsExactlyAsync<TaskCanceledException>(() => cancelled);
        encoder.Gate.Set();
        await first;
        Assert.AreEqual(1, (await kept).Length);
        CollectionAssert.AreEqual(new[] { 1, 1 }, encoder.CallSizes, "the cancelled texts were not encoded");
    }
}
