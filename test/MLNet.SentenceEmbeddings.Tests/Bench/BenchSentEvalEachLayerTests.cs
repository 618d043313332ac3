using Microsoft.ML;
using MLNet.SentenceEmbeddings.Bench.Commands;
using MLNet.SentenceEmbeddings.Cli.Commands;

namespace MLNet.SentenceEmbeddings.Tests.Bench;

/// <summary>
/// <c>minilm-each-layer</c>: each layer's pooled vector side by side. Layer weights count the embeddings' output
/// first, so a weight put one place off would pool the wrong layer; the last block must be the model's own vector.
/// </summary>
[TestClass]
public class BenchSentEvalEachLayerTests
{
    [TestMethod]
    public void TheLastBlockIsTheModelsOwnVectorAndTheOthersAreEarlierLayers()
    {
        var ml = new MLContext(seed: 1);
        string[] sentences = ["A man is playing a guitar.", "The cat sleeps on the warm mat."];
        using var each = BenchSentEvalCommand.EachLayer("default", 6, threads: null, cache: null);
        using var own = EvalSentEvalCommand.Encoder("default", new SentenceEncoderOptions(), cache: null);
        var blocks = each.Embed(ml, sentences);
        var expected = own.Embed(ml, sentences);
        int width = expected[0].Length;
        for (int s = 0; s < sentences.Length; s++)
        {
            Assert.AreEqual(6 * width, blocks[s].Length, "six layers, one pooled vector each");
            var last = blocks[s][(5 * width)..];
            Assert.IsTrue(last.Zip(expected[s]).All(p => Math.Abs(p.First - p.Second) < 1e-4f), $"sentence {s}: the sixth block is not the model's own MEAN vector");
            for (int layer = 0; layer < 5; layer++)
            {
                var block = blocks[s][(layer * width)..((layer + 1) * width)];
                Assert.IsTrue(block.Zip(expected[s]).Max(p => Math.Abs(p.First - p.Second)) > 1e-2f, $"sentence {s}: block {layer + 1} repeats the last layer");
            }
        }
    }
}
