namespace MLNet.SentenceEmbeddings.Corpora;

/// <summary>One text of a corpus file.</summary>
/// <param name="Index">0-based position among the file's rows (a header line is not a row).</param>
/// <param name="Text">The text; an empty string for an empty line or field.</param>
public readonly record struct CorpusRow(long Index, string Text);
