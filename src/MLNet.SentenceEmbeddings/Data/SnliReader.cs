namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Reads SNLI as SentEval prepares it: s1.SPLIT, s2.SPLIT and labels.SPLIT side by side, one pair per line
/// (entailment, neutral, contradiction).
/// </summary>
public static class SnliReader
{
    /// <param name="s1Path">The s1.SPLIT file; s2.SPLIT and labels.SPLIT are read from the same folder.</param>
    public static List<LabeledPair> Read(string s1Path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(s1Path))!;
        string name = Path.GetFileName(s1Path);
        if (!name.StartsWith("s1.", StringComparison.Ordinal))
            throw new ArgumentException($"{s1Path}: expected the s1.SPLIT file of SentEval's SNLI layout.", nameof(s1Path));
        string split = name[3..];
        var s1 = File.Exists(s1Path) ? File.ReadAllLines(s1Path) : throw new FileNotFoundException($"Data file not found: {s1Path}", s1Path);
        string s2Path = Path.Combine(dir, "s2." + split), labelsPath = Path.Combine(dir, "labels." + split);
        var s2 = File.Exists(s2Path) ? File.ReadAllLines(s2Path) : throw new FileNotFoundException($"Data file not found: {s2Path}", s2Path);
        var labels = File.Exists(labelsPath) ? File.ReadAllLines(labelsPath) : throw new FileNotFoundException($"Data file not found: {labelsPath}", labelsPath);
        if (s1.Length != s2.Length || s1.Length != labels.Length)
            throw new InvalidDataException($"{dir}: s1.{split}, s2.{split} and labels.{split} have {s1.Length}, {s2.Length} and {labels.Length} lines; expected the same count.");
        return s1.Select((s, i) => new LabeledPair(s, s2[i], labels[i].Trim())).ToList();
    }

    /// <summary>
    /// (premise, entailed hypothesis, contradicting hypothesis) triplets, one per premise that has both (SBERT
    /// Section 4.4 builds its triplets the same way from NLI data).
    /// </summary>
    public static List<(string Anchor, string Positive, string Negative)> Triplets(IEnumerable<LabeledPair> pairs) =>
        pairs.GroupBy(p => p.Sentence1, StringComparer.Ordinal)
             .Select(g => (Premise: g.Key, Pos: g.FirstOrDefault(p => p.Label == "entailment"), Neg: g.FirstOrDefault(p => p.Label == "contradiction")))
             .Where(x => x.Pos is not null && x.Neg is not null)
             .Select(x => (x.Premise, x.Pos!.Sentence2, x.Neg!.Sentence2))
             .ToList();
}
