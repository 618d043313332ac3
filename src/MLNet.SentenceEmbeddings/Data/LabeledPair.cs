namespace MLNet.SentenceEmbeddings.Data;

/// <summary>Two sentences and a class label (NLI: entailment / neutral / contradiction; MRPC: 0 / 1).</summary>
public sealed record LabeledPair(string Sentence1, string Sentence2, string Label);
