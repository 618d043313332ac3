using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

/// <summary>Repositories for the fake Hub: the embedded all-MiniLM-L6-v2 as the Hub would hold it, and small synthetic ones.</summary>
internal static class FakeRepos
{
    /// <summary>Files a sentence-transformers repository carries that this library must not download.</summary>
    public static readonly string[] Unwanted =
    [
        "onnx/model.onnx", "onnx/model_quint8_avx2.onnx", "openvino/openvino_model.xml", "openvino/openvino_model.bin",
        "tf_model.h5", "flax_model.msgpack", "rust_model.ot", "pytorch_model.bin", "modeling_custom.py", "README.md", ".gitattributes",
        "1_Pooling/custom_pooling.py",
    ];

    private static readonly Lazy<Dictionary<string, FakeFile>> MiniLmFiles = new(() =>
    {
        string folder = PretrainedModels.EnsureConverted(PretrainedModels.AllMiniLmL6V2);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'),
            f => new FakeFile(File.ReadAllBytes(f), lfs: f.EndsWith(".safetensors", StringComparison.Ordinal)));
        foreach (string name in Unwanted)
            files[name] = new FakeFile(System.Text.Encoding.UTF8.GetBytes($"not for this library: {name}"), lfs: name.EndsWith(".bin") || name.EndsWith(".onnx"));
        return files;
    });

    /// <summary>all-MiniLM-L6-v2 (the converted embedded folder) plus ONNX, OpenVINO, TF, Flax, Rust, pickle and Python files.</summary>
    public static Dictionary<string, FakeFile> MiniLm() => new(MiniLmFiles.Value);

    /// <summary>The files of <see cref="MiniLm"/> a download must bring: everything but <see cref="Unwanted"/>.</summary>
    public static IReadOnlyList<string> MiniLmWanted() => MiniLmFiles.Value.Keys.Except(Unwanted).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// A small sentence-transformers layout with random "weights" (the downloader never parses them): root
    /// configuration, 1_Pooling, and a 2_Dense module that has both safetensors and pickle weights.
    /// </summary>
    public static Dictionary<string, FakeFile> Small(int seed = 1, int weightBytes = 300_000)
    {
        var random = new Random(seed);
        byte[] Bytes(int n) { var b = new byte[n]; random.NextBytes(b); return b; }
        return new Dictionary<string, FakeFile>
        {
            ["modules.json"] = FakeFile.Text("""
                [{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
                 {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
                 {"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"},
                 {"idx":3,"name":"3","path":"3_Normalize","type":"sentence_transformers.models.Normalize"}]
                """),
            ["config.json"] = FakeFile.Text($$"""{"model_type":"bert","hidden_size":32,"seed":{{seed}}}"""),
            ["tokenizer_config.json"] = FakeFile.Text("""{"do_lower_case":true}"""),
            ["vocab.txt"] = FakeFile.Text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n"),
            ["model.safetensors"] = new FakeFile(Bytes(weightBytes), lfs: true),
            ["1_Pooling/config.json"] = FakeFile.Text("""{"word_embedding_dimension":32,"pooling_mode_mean_tokens":true}"""),
            ["2_Dense/config.json"] = FakeFile.Text("""{"in_features":32,"out_features":16,"bias":true,"activation_function":"torch.nn.modules.activation.Tanh"}"""),
            ["2_Dense/model.safetensors"] = new FakeFile(Bytes(2_000), lfs: true),
            ["2_Dense/pytorch_model.bin"] = new FakeFile(Bytes(2_000), lfs: true),
            ["onnx/model.onnx"] = new FakeFile(Bytes(1_000), lfs: true),
            ["README.md"] = FakeFile.Text("# small\n"),
        };
    }

    public static readonly string[] SmallWanted =
        ["1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors", "config.json", "model.safetensors", "modules.json", "tokenizer_config.json", "vocab.txt"];

    /// <summary>Options that reach only <paramref name="hub"/> and <paramref name="cacheDir"/>, read no environment variable and send no token.</summary>
    public static HubDownloadOptions Options(FakeHub hub, string cacheDir, string? revision = null, string token = "", bool offline = false) => new()
    {
        Endpoint = hub.Endpoint,
        CacheDir = cacheDir,
        Token = token,
        Offline = offline,
        Revision = revision ?? HubDownloadOptions.DefaultRevision,
        Timeout = TimeSpan.FromSeconds(10),
        EnvironmentVariables = _ => null,
    };
}
