using System.Text.Json;
using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

/// <summary>What "exactly once" means for a finished job, checked against the files it wrote.</summary>
internal static class JobAssertions
{
    /// <summary>Checks a finished job: one output per shard, each row once and in order, equal to the single-process run.</summary>
    public static void ExactlyOnce(EmbeddingJobSpec spec, List<string>[] rows, EmbeddingJobProgress final, int window)
    {
        Assert.IsTrue(final.Succeeded, final.ToString());
        Assert.AreEqual(rows.Sum(r => (long)r.Count), final.RowsDone);
        var outputs = Directory.GetFiles(spec.OutputDirectory).Select(Path.GetFileName).Where(n => !n!.StartsWith('.') && n != "_job.json").Order().ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(0, rows.Length).Select(i => Path.GetFileName(spec.OutputPath(i))).ToArray(), outputs, "one output per shard, nothing else");
        for (int i = 0; i < rows.Length; i++)
        {
            var written = EmbeddingFileReader.Read(spec.OutputPath(i));
            Assert.AreEqual(rows[i].Count, written.Rows, spec.OutputPath(i));
            CollectionAssert.AreEqual(ShardCorpus.Bits(ShardCorpus.Expected(rows[i], window)), ShardCorpus.Bits(written.Data),
                $"{spec.OutputPath(i)} differs from the single-process embedding of {spec.Shards[i]}");
        }
        using var manifest = JsonDocument.Parse(File.ReadAllText(spec.ManifestPath));
        Assert.AreEqual(final.RowsDone, manifest.RootElement.GetProperty("rows").GetInt64());
        CollectionAssert.AreEqual(rows.Select(r => (long)r.Count).ToArray(),
            manifest.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("rows").GetInt64()).ToArray());
    }

    /// <summary>The silo the job's manifest names as the writer of one shard's output.</summary>
    public static string ShardWriter(EmbeddingJobSpec spec, int shard)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(spec.ManifestPath));
        return manifest.RootElement.GetProperty("shards")[shard].GetProperty("silo").GetString()
            ?? throw new AssertFailedException($"{spec.ManifestPath}: shard {shard} names no silo");
    }
}
