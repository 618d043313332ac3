using Microsoft.ML;
using MLNet.SentenceEmbeddings.CrossEncoding;
using MLNet.SentenceEmbeddings.Hub;
using MLNet.SentenceEmbeddings.MLNet;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

/// <summary>A Hub id works wherever a model is named: the bi-encoder, the cross-encoder, the generator and the ML.NET transform.</summary>
[TestClass]
public sealed class HubModelIdLoadingTests
{
    private const string Id = "team/minilm-copy";
    private static readonly string?[] Sentences = { "A man is playing a guitar.", "Two dogs run in the snow." };

    private static FakeHub MiniLmHub()
    {
        var hub = new FakeHub();
        var repo = new FakeRepo();
        repo.Commit(FakeRepos.MiniLm());
        hub.Models[Id] = repo;
        return hub;
    }

    [TestMethod]
    public void EveryEntryPointLoadsAHubIdAndGetsTheEmbeddedModelsVectors()
    {
        using var hub = MiniLmHub();
        string cache = Fixtures.NewTempDir();
        var expected = Fixtures.MiniLm.Encode(Sentences);

        using (var encoder = SentenceEncoder.Load(Id, new SentenceEncoderOptions { Hub = FakeRepos.Options(hub, cache) }))
        {
            var actual = encoder.Encode(Sentences);
            for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i]);
        }
        int requests = hub.Requests.Count;

        using (var generator = SentenceEmbeddingGenerator.Load(Id, new SentenceEncoderOptions { Hub = FakeRepos.Options(hub, cache) }))
            Close(expected[0], generator.GenerateAsync(new[] { Sentences[0]! }).Result[0].Vector.ToArray());
        // The second load of a branch asks only which commit it points at.
        Assert.AreEqual(1, hub.Requests.Count - requests, string.Join(", ", hub.Requests.Skip(requests).Select(r => r.Path)));

        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Sentences.Select(s => new TextRow { Text = s! }).ToList());
        using var transformer = ml.Transforms.SentenceEmbedding(new SentenceEmbeddingOptions
        {
            Columns = new[] { new InputOutputColumnPair("Features", "Text") },
            Model = Id,
            Encoder = new SentenceEncoderOptions { Hub = FakeRepos.Options(hub, cache) },
        }).Fit(data);
        var rows = ml.Data.CreateEnumerable<VectorRow>(transformer.Transform(data), reuseRowObject: false).ToList();
        Close(expected[1], rows[1].Features);

        using var ce = CrossEncoder.Load(Id, numLabels: 1, new EncoderOptions { Hub = FakeRepos.Options(hub, cache) });
        Assert.IsTrue(ce.Head.HasPooler, "the Hub copy carries BERT's pooler, which a new cross-encoder head starts from");
    }

    [TestMethod]
    public void AnUnknownIdFailsNamingTheIdAndRevision()
    {
        using var hub = MiniLmHub();
        var options = new SentenceEncoderOptions { Hub = FakeRepos.Options(hub, Fixtures.NewTempDir(), revision: "v9") };
        var e = Assert.ThrowsExactly<HubDownloadException>(() => SentenceEncoder.Load("team/missing", options));
        StringAssert.Contains(e.Message, "'team/missing'");
        StringAssert.Contains(e.Message, "v9");
    }

    // A sentence alone and in a padded batch differ in the last float bits (other GEMM shapes).
    private static void Close(float[] expected, float[] actual)
    {
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-5f, $"component {i}");
    }

    private sealed class TextRow { public string Text { get; set; } = ""; }
    private sealed class VectorRow { public float[] Features { get; set; } = Array.Empty<float>(); }
}
