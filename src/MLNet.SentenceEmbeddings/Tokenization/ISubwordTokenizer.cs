namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The model part of a tokenizer (Hugging Face's normalizer, pre-tokenizer and model: WordPiece, BPE, Unigram):
/// text in, vocabulary ids out, without special tokens and without truncation. <see cref="SentenceTokenizer"/> adds
/// the special tokens (<see cref="SpecialTokenTemplate"/>), pairs and truncation on top.
/// </summary>
public interface ISubwordTokenizer
{
    /// <summary>Number of ids the model can emit (the embedding table needs at least this many rows).</summary>
    int VocabSize { get; }

    /// <summary>The id of <paramref name="token"/> in the vocabulary (special tokens included), or null.</summary>
    int? TokenToId(string token);

    /// <summary>Ids of <paramref name="text"/>, no special tokens, no truncation. Must be thread-safe.</summary>
    IReadOnlyList<int> EncodeToIds(string text);
}
