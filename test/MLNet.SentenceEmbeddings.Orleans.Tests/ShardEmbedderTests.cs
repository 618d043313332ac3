using MLNet.SentenceEmbeddings.Corpora;

namespace MLNet.SentenceEmbeddings.Orleans.Tests;

[TestClass]
public sealed class ShardEmbedderTests
{
    [TestMethod]
    public void EveryFormatGivesTheSingleProcessVectorsBitForBit()
    {
        string dir = ShardCorpus.NewTempDir();
        var (paths, rows) = ShardCorpus.Write(dir, shards: 5, rowsPerShard: 7);
        var spec = new EmbeddingJobSpec { Shards = paths, OutputDirectory = Path.Combine(dir, "out"), Window = 3 };
        for (int i = 0; i < paths.Length; i++)
        {
            Assert.AreEqual(7L, ShardEmbedder.Run(spec, i, ShardCorpus.Reference, CancellationToken.None), paths[i]);
            var written = EmbeddingFileReader.Read(spec.OutputPath(i));
            CollectionAssert.AreEqual(ShardCorpus.Bits(ShardCorpus.Expected(rows[i], 3)), ShardCorpus.Bits(written.Data), paths[i]);
        }
    }

    [TestMethod]
    public void ACancelledShardLeavesNoFileAndAMissingShardIsNamed()
    {
        string dir = ShardCorpus.NewTempDir();
        var (paths, _) = ShardCorpus.Write(dir, shards: 1, rowsPerShard: 4);
        var spec = new EmbeddingJobSpec { Shards = [paths[0], Path.Combine(dir, "missing.txt")], OutputDirectory = Path.Combine(dir, "out"), Window = 2 };
        Assert.ThrowsExactly<OperationCanceledException>(() => ShardEmbedder.Run(spec, 0, ShardCorpus.Reference, new CancellationToken(true)));
        Assert.IsFalse(Directory.Exists(spec.OutputDirectory) && Directory.EnumerateFileSystemEntries(spec.OutputDirectory).Any(), "no output and no temporary file");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => ShardEmbedder.Run(spec, 1, ShardCorpus.Reference, CancellationToken.None));
        StringAssert.Contains(e.Message, "shard 1");
        StringAssert.Contains(e.Message, "missing.txt");
    }
}
