using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Modeling;

/// <summary>
/// How many float parameters a <see cref="BertModel"/> built from a config holds, computed without building it, so that
/// a config can be checked against the weights file before the encoder allocates its tensors (a config.json claiming
/// hidden_size 65536 beside a 90 MB safetensors file would otherwise allocate tens of gigabytes first).
/// </summary>
internal static class BertParameterCount
{
    /// <summary>Parameters of <see cref="BertModel"/> for <paramref name="c"/> (embeddings, layers; no pooler), overflow-checked.</summary>
    public static long Of(BertConfig c) => checked(
        // word, position and token-type embeddings, then LayerNorm (weight, bias)
        (long)(c.VocabSize + c.MaxPositionEmbeddings + c.TypeVocabSize) * c.HiddenSize + 2L * c.HiddenSize
        + c.NumHiddenLayers * (
            4L * ((long)c.HiddenSize * c.HiddenSize + c.HiddenSize)              // query, key, value, attention output
            + 2L * c.HiddenSize                                                   // attention LayerNorm
            + (long)c.HiddenSize * c.IntermediateSize + c.IntermediateSize        // intermediate
            + (long)c.IntermediateSize * c.HiddenSize + c.HiddenSize              // output
            + 2L * c.HiddenSize));                                                // output LayerNorm

    /// <summary>
    /// Throws when <paramref name="config"/> describes more parameters than <paramref name="weights"/> hold in all: the
    /// per-weight name and shape check (<see cref="StateDict.Load"/>) then runs on a model of bounded size.
    /// </summary>
    /// <exception cref="InvalidDataException">The config asks for more parameters than the weights have; the message names <paramref name="source"/>.</exception>
    public static void CheckAgainst(BertConfig config, IReadOnlyDictionary<string, NamedArray> weights, string source)
    {
        long available = weights.Values.Sum(w => (long)w.Data.Length);
        long needed;
        try { needed = Of(config); }
        catch (OverflowException) { throw new InvalidDataException($"{source}: config.json describes a model too large to count."); }
        // Twice the weights (plus slack for tiny models) is far from any real mismatch of a few tensors, which the
        // name-by-name check reports better; what this stops is a config that would allocate far more than the file holds.
        if (needed > 2 * available + (1L << 20))
            throw new InvalidDataException(
                $"{source}: config.json describes {needed:N0} parameters, but the weights hold {available:N0} values in all; does config.json belong to these weights?");
    }
}
