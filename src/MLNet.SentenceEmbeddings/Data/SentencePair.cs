namespace MLNet.SentenceEmbeddings.Data;

/// <summary>Two sentences and a gold score (STS similarity, or a class index for NLI/paraphrase data).</summary>
public sealed record SentencePair(string Sentence1, string Sentence2, double Score);
