using Microsoft.ML.OnnxRuntime;
using MLNet.SentenceEmbeddings.Onnx;

namespace MLNet.SentenceEmbeddings.OnnxBenchmark;

/// <summary>What ONNX Runtime turns a graph into at ORT_ENABLE_ALL: its operator counts after fusion.</summary>
public static class OptimizedGraph
{
    /// <summary>"Op x count" for the optimised graph, most frequent first (contrib ops prefixed "ms:").</summary>
    public static string OperatorSummary(byte[] model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ort-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = path })
            using (new InferenceSession(model, options)) { }
            var graph = OnnxFiles.Read(path).Graph;
            return string.Join(", ", graph.Node
                .GroupBy(n => (n.Domain is "" or "ai.onnx" ? "" : "ms:") + n.OpType)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {g.Count()}"));
        }
        finally
        {
            if (File.Exists(path)) File.Delete(path);
        }
    }
}
