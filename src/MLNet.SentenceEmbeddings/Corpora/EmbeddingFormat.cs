namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>The embedding file formats <see cref="EmbeddingWriter"/> writes and <see cref="EmbeddingFileReader"/> reads.</summary>
public enum EmbeddingFormat
{
    /// <summary>Text: one row per line, dimension floats separated by tabs, each printed so that it parses back exactly.</summary>
    Tsv,
    /// <summary>NumPy .npy (format 1.0): little-endian float32, shape (rows, dimension), C order; <c>numpy.load</c> reads it.</summary>
    Npy,
    /// <summary>Apache Parquet: an int64 column "id" (the corpus row) beside a list&lt;float&gt; column "embedding".</summary>
    Parquet,
    /// <summary>safetensors: one F32 tensor named "embeddings" of shape (rows, dimension).</summary>
    SafeTensors,
}

/// <summary>File-name conventions of <see cref="EmbeddingFormat"/>.</summary>
public static class EmbeddingFormats
{
    /// <summary>The format of <paramref name="path"/> from its extension: .tsv, .npy, .parquet, .safetensors.</summary>
    /// <exception cref="ArgumentException">Another extension; the message lists the known ones.</exception>
    public static EmbeddingFormat FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".tsv" => EmbeddingFormat.Tsv,
            ".npy" => EmbeddingFormat.Npy,
            ".parquet" => EmbeddingFormat.Parquet,
            ".safetensors" => EmbeddingFormat.SafeTensors,
            var other => throw new ArgumentException(
                $"{path}: unknown embedding file extension '{other}'; expected .tsv, .npy, .parquet or .safetensors.", nameof(path)),
        };
    }

    /// <summary>The usual extension of <paramref name="format"/>, with the dot.</summary>
    public static string Extension(EmbeddingFormat format) => format switch
    {
        EmbeddingFormat.Tsv => ".tsv",
        EmbeddingFormat.Npy => ".npy",
        EmbeddingFormat.Parquet => ".parquet",
        EmbeddingFormat.SafeTensors => ".safetensors",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
