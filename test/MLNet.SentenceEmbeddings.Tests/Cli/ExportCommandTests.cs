using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using MLNet.SentenceEmbeddings.Onnx;
using static MLNet.SentenceEmbeddings.Tests.Cli.CliTestModels;

namespace MLNet.SentenceEmbeddings.Tests.Cli;

[TestClass]
public class ExportCommandTests
{
    [TestMethod]
    public void WritesOneGraphWhoseOnlyOutputIsTheSentenceEmbedding()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), output = Path.Combine(dir, "onnx-out");
        var (code, stdout, stderr) = RunSbert("export", "--model", model, "--output", output, "--json");
        Assert.AreEqual(0, code, stderr);
        string path = Path.Combine(output, "model.onnx");
        Assert.AreEqual(Path.GetFullPath(path), JsonNode.Parse(JsonLines(stdout).Last())!["files"]![0]!.GetValue<string>());
        CollectionAssert.AreEqual(new[] { "model.onnx" }, Directory.GetFiles(output).Select(Path.GetFileName).ToArray(), "nothing but the model");

        using var encoder = SentenceEncoder.Load(model);
        using (var session = new InferenceSession(path))
        {
            var only = session.OutputMetadata.Single();
            Assert.AreEqual("sentence_embedding", only.Key);
            CollectionAssert.AreEqual(new[] { -1, encoder.Dimension }, only.Value.Dimensions);
            Assert.AreEqual("batch", only.Value.SymbolicDimensions[0]);
        }
        using var onnx = OnnxSentenceEncoder.Load(path);
        var expected = encoder.Encode(Corpus);
        var actual = onnx.Encode(Corpus);
        for (int i = 0; i < Corpus.Length; i++)
            Assert.IsTrue(Fixtures.Cos(expected[i], actual[i]) >= 0.9999, $"sentence {i}");

        (code, _, stderr) = RunSbert("export", "--model", model, "--output", output, "--quantize", "int8");
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual(OnnxPrecision.Int8, OnnxModelMetadata.Read(Path.Combine(output, "model_int8.onnx")).Precision);
    }

    [TestMethod]
    public void PythonLayoutIsASavedFolderWithTheTransformerGraphs()
    {
        string dir = Fixtures.NewTempDir(), model = TinyEncoder(dir), output = Path.Combine(dir, "for-python");
        var (code, _, stderr) = RunSbert("export", "--model", model, "--output", output, "--python-layout", "--quantize", "int8");
        Assert.AreEqual(0, code, stderr);
        Assert.IsTrue(File.Exists(Path.Combine(output, "modules.json")), "a sentence-transformers folder");
        foreach (var file in new[] { OnnxExporter.SentenceTransformersFile, OnnxExporter.SentenceTransformersInt8File })
        {
            using var session = new InferenceSession(Path.Combine(output, file));
            Assert.AreEqual("last_hidden_state", session.OutputMetadata.Single().Key, file);
        }
        var (usage, _, err) = RunSbert("export", "--model", model, "--output", output, "--standard-ops");
        Assert.AreEqual(2, usage);
        StringAssert.Contains(err, "--standard-ops");
    }
}
