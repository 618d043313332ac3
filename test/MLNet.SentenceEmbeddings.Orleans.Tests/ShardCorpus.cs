using System.Text;
using System.Text.Json;
using MLNet.SentenceEmbeddings.Corpora;
using MLNet.SentenceEmbeddings.Data;
using Parquet;
using Parquet.Schema;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

/// <summary>
/// Small corpora split into shard files of every corpus format, from STSb sentences (read from $SBERT_DATA_DIR or
/// ../shared/data), and the single-process embedding they must match.
/// </summary>
internal static class ShardCorpus
{
    private static readonly Lazy<SentenceEncoder> ReferenceLazy = new(() => SentenceEncoder.Load(SiloEmbeddingOptions.DefaultModel));

    /// <summary>The silos' model, loaded in this process: the single-process side of every comparison.</summary>
    public static SentenceEncoder Reference => ReferenceLazy.Value;

    private static readonly string[] Extensions = [".txt", ".tsv", ".csv", ".jsonl", ".parquet"];

    /// <summary>This run's scratch folder, deleted at the end of the run (<see cref="SharedCluster.StopAsync"/>).</summary>
    public static readonly string RunTempRoot = Path.Combine(Path.GetTempPath(), "sbert-orleans-tests", Guid.NewGuid().ToString("N"));

    public static string NewTempDir()
    {
        string dir = Path.Combine(RunTempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>STSb test sentences, unique, from <paramref name="skip"/> on.</summary>
    public static List<string> Sentences(int count, int skip = 0) =>
        StsBenchmarkReader.UniqueSentences(StsBenchmarkReader.Read(Path.Combine(SharedData.Find(), "stsb", "sts-test.csv")))
            .Skip(skip).Take(count).ToList();

    /// <summary>Writes <paramref name="shards"/> shard files of <paramref name="rowsPerShard"/> rows each, cycling through the formats.</summary>
    public static (string[] Paths, List<string>[] Rows) Write(string directory, int shards, int rowsPerShard)
    {
        var sentences = Sentences(shards * rowsPerShard);
        var paths = new string[shards];
        var rows = new List<string>[shards];
        for (int i = 0; i < shards; i++)
        {
            rows[i] = sentences.Skip(i * rowsPerShard).Take(rowsPerShard).ToList();
            paths[i] = Path.Combine(directory, $"part{i}{Extensions[i % Extensions.Length]}");
            WriteShard(paths[i], rows[i]);
        }
        return (paths, rows);
    }

    private static void WriteShard(string path, List<string> rows)
    {
        switch (Path.GetExtension(path))
        {
            case ".txt": File.WriteAllLines(path, rows); break;
            case ".tsv": File.WriteAllLines(path, rows.Select(r => r.Replace('\t', ' '))); break;
            case ".csv": File.WriteAllLines(path, rows.Select(r => "\"" + r.Replace("\"", "\"\"") + "\"")); break;
            case ".jsonl": File.WriteAllLines(path, rows.Select(r => JsonSerializer.Serialize(new { text = r }))); break;
            case ".parquet": WriteParquet(path, rows).GetAwaiter().GetResult(); break;
        }
    }

    private static async Task WriteParquet(string path, List<string> rows)
    {
        var text = new DataField<string>("text");
        using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(text), stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(text, rows.ToArray(), null);
    }

    /// <summary>The single-process embedding of one shard: windows of <paramref name="window"/> rows, as the job encodes them.</summary>
    public static float[] Expected(IReadOnlyList<string> rows, int window)
    {
        var encoder = Reference;
        var result = new float[rows.Count * encoder.Dimension];
        for (int start = 0; start < rows.Count; start += window)
        {
            var texts = rows.Skip(start).Take(window).ToList<string?>();
            encoder.Encode(texts, result.AsSpan(start * encoder.Dimension, texts.Count * encoder.Dimension));
        }
        return result;
    }

    /// <summary>The bits of <paramref name="values"/>, for bit-for-bit comparison.</summary>
    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
