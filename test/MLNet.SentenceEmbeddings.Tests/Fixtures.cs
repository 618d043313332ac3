using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.Data;
using MLNet.SentenceEmbeddings.Modeling;

[assembly: Parallelize(Workers = 1, Scope = ExecutionScope.ClassLevel)]

namespace MLNet.SentenceEmbeddings.Tests;

/// <summary>Models and data shared by the tests, loaded once per test run.</summary>
public static class Fixtures
{
    private static readonly Lazy<SentenceEncoder> MiniLmLazy = new(() => SentenceEncoder.Load("default"));
    private static readonly Lazy<SentenceEncoder> ArcticLazy = new(() => SentenceEncoder.Load("arctic-xs"));
    private static readonly Lazy<string> VocabLazy = new(() => PretrainedModels.ReadVocab(PretrainedModels.AllMiniLmL6V2));

    /// <summary>all-MiniLM-L6-v2, fp32 (shared: do not dispose).</summary>
    public static SentenceEncoder MiniLm => MiniLmLazy.Value;
    public static SentenceEncoder Arctic => ArcticLazy.Value;

    /// <summary>The MiniLM vocabulary (LF line endings), for tiny random encoders.</summary>
    public static string Vocab => VocabLazy.Value;

    /// <summary>A 2-layer, 32-wide BERT: fast enough for per-test creation.</summary>
    public static readonly BertConfig TinyConfig = new()
    {
        HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, MaxPositionEmbeddings = 64,
        HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0,
    };

    public static SentenceEncoder Tiny(long seed = 1, SentenceEncoderOptions? options = null) =>
        SentenceEncoder.CreateRandom(TinyConfig, Vocab, maxSequenceLength: 64, seed: seed, options: options);

    public static string DataDir => SharedData.Find();

    /// <summary>The first <paramref name="count"/> unique sentences of the STSb test split.</summary>
    public static List<string?> StsbSentences(int count) =>
        StsBenchmarkReader.UniqueSentences(StsBenchmarkReader.Read(Path.Combine(DataDir, "stsb", "sts-test.csv"))).Take(count).ToList<string?>();

    /// <summary>One folder per test run, deleted by <see cref="TestRunCleanup"/>: model folders are ~90 MB each.</summary>
    public static readonly string RunTempRoot = Path.Combine(Path.GetTempPath(), "sbert-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Copies every file and folder under <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static void CopyDirectory(string from, string to)
    {
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, d)));
    }

    public static string NewTempDir()
    {
        string dir = Path.Combine(RunTempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static double Cos(float[] a, float[] b) => VectorMath.Cosine(a, b);
}
