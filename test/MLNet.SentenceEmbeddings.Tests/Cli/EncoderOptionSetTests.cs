using System.Globalization;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class EncoderOptionSetTests
{
    [TestMethod]
    public void BackendOnnxEmbedsOnOnnxRuntimeAndWrongPrecisionsFailNamingTheOption()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), input = Path.Combine(dir, "in.txt"), output = Path.Combine(dir, "out.tsv");
        File.WriteAllLines(input, Corpus);
        var (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", output, "--backend", "onnx", "--precision", "int8");
        Assert.AreEqual(0, code, stderr);
        var rows = File.ReadAllLines(output).Select(l => l.Split('\t').Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray()).ToList();
        using var encoder = SentenceEncoder.Load(model, new SentenceEncoderOptions { Backend = InferenceBackend.OnnxRuntime, Precision = Precision.Int8 });
        var expected = encoder.Encode(Corpus);
        Assert.AreEqual(Corpus.Length, rows.Count);
        for (int i = 0; i < rows.Count; i++) CollectionAssert.AreEqual(expected[i], rows[i], $"line {i + 1}");

        (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", output, "--backend", "onnx", "--precision", "bf16");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "--precision bf16");
        (code, _, stderr) = RunSbert("embed", "--model", model, "--input", input, "--output", output, "--precision", "int8");
        Assert.AreEqual(2, code);
        StringAssert.Contains(stderr, "--backend onnx");
    }
}
