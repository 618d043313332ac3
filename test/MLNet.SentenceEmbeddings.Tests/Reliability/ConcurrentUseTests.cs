using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Tests.Reliability;

/// <summary>
/// Eight threads calling the same encoder, generator, ML.NET transformer, PredictionEngines and cross-encoder at once
/// must get exactly (bit for bit) what the same calls return one after another on one thread.
/// </summary>
/// <remarks>
/// Each thread makes its own calls (a different slice of 200 STSb sentences, in several calls); the reference runs
/// the identical calls sequentially first, so batch composition (which changes padded shapes, hence the last bits) is
/// the same in both runs. ML.NET's PredictionEnginePool lives in Microsoft.Extensions.ML, which this project does not
/// reference: a PredictionEngine is not thread-safe, so each thread makes its own, as the pool would hand out.
/// </remarks>
[TestClass]
public class ConcurrentUseTests
{
    private const int Threads = 8;

    private static readonly Lazy<List<string>> SentencesLazy = new(() => Fixtures.StsbSentences(200).Select(s => s!).ToList());

    /// <summary>Thread t's calls: 3 calls over a slice of 40 sentences starting at 25 t (slices overlap, rows differ in order).</summary>
    private static List<List<string>> CallsOf(int t)
    {
        var all = SentencesLazy.Value;
        var slice = Enumerable.Range(0, 40).Select(i => all[(25 * t + i) % all.Count]).ToList();
        if (t % 2 == 1) slice.Reverse();
        return new() { slice.Take(7).ToList(), slice.Skip(7).Take(17).ToList(), slice.Skip(24).ToList() };
    }

    /// <summary>Runs <paramref name="call"/> for every thread's calls, sequentially, then from 8 threads started together; results must match exactly.</summary>
    private static void SameAsSequential<T>(Func<List<string>, T[]> call, Func<T, T, bool> equal)
    {
        var expected = Enumerable.Range(0, Threads).Select(t => CallsOf(t).Select(call).ToList()).ToList();
        var actual = new List<T[]>[Threads];
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try { actual[t] = CallsOf(t).Select(call).ToList(); }
            catch (Exception e) { errors.Add(e); } // an exception on a raw thread would end the test host
        })).ToList();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();
        Assert.IsEmpty(errors, string.Join("\n", errors));
        for (int t = 0; t < Threads; t++)
            for (int c = 0; c < expected[t].Count; c++)
            {
                Assert.AreEqual(expected[t][c].Length, actual[t][c].Length, $"thread {t}, call {c}");
                for (int r = 0; r < expected[t][c].Length; r++)
                    Assert.IsTrue(equal(expected[t][c][r], actual[t][c][r]), $"thread {t}, call {c}, row {r} differs from the single-threaded result");
            }
    }

    private static bool Same(float[] a, float[] b) => a.AsSpan().SequenceEqual(b);

    [TestMethod]
    public void EncodeFromEightThreads() =>
        SameAsSequential(s => Fixtures.MiniLm.Encode(s.ToList<string?>()), Same);

    [TestMethod]
    public void GeneratorFromEightThreads()
    {
        using var generator = new SentenceEmbeddingGenerator(Fixtures.MiniLm);
        SameAsSequential(s => generator.GenerateAsync(s).GetAwaiter().GetResult().Select(e => e.Vector.ToArray()).ToArray(), Same);
    }

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public sealed class VectorRow
    {
        [VectorType(384)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    [TestMethod]
    public void MLNetTransformAndPredictionEnginesFromEightThreads()
    {
        var ml = new MLContext(1);
        var options = new SentenceEmbeddingOptions { Columns = new[] { new InputOutputColumnPair("Features", "Text") }, EncoderInstance = Fixtures.MiniLm };
        using var transformer = ml.Transforms.SentenceEmbedding(options).Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "x" } }));
        // Transform: one data view per call, read through the batching cursor.
        SameAsSequential(s => ml.Data.CreateEnumerable<VectorRow>(
            transformer.Transform(ml.Data.LoadFromEnumerable(s.Select(x => new TextRow { Text = x }).ToList())), reuseRowObject: false)
            .Select(r => r.Features).ToArray(), Same);
        // PredictionEngine: one engine per thread (ThreadLocal), one row at a time.
        using var engines = new ThreadLocal<PredictionEngine<TextRow, VectorRow>>(() => ml.Model.CreatePredictionEngine<TextRow, VectorRow>(transformer), trackAllValues: true);
        SameAsSequential(s => s.Select(x => engines.Value!.Predict(new TextRow { Text = x }).Features).ToArray(), Same);
        foreach (var engine in engines.Values) engine.Dispose();
    }

    [TestMethod]
    public void CrossEncoderFromEightThreads()
    {
        using var crossEncoder = CrossEncoder.Load("default", numLabels: 1, seed: 5);
        SameAsSequential(s => crossEncoder.Predict(s.Select((x, i) => ((string?)x, (string?)s[(i + 1) % s.Count])).ToList()), (a, b) => a.Equals(b));
    }
}
