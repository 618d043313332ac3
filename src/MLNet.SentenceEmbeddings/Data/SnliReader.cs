namespace MLNet.SentenceEmbeddings.Data;

/// <summary>
/// Reads SNLI as SentEval prepares it: s1.SPLIT, s2.SPLIT and labels.SPLIT side by side, one pair per line
/// (entailment, neutral, contradiction).
/// </summary>
public static class SnliReader
{
    /// <summary>The three labels of SentEval's SNLI files.</summary>
    public static IReadOnlyList<string> Labels { get; } = new[] { "entailment", "neutral", "contradiction" };

    /// <param name="s1Path">The s1.SPLIT file; s2.SPLIT and labels.SPLIT are read from the same folder.</param>
    /// <exception cref="InvalidDataException">
    /// The files are empty or of different lengths, or a label is not entailment / neutral / contradiction (file:line named).
    /// </exception>
    public static List<LabeledPair> Read(string s1Path)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(s1Path))!;
        string name = Path.GetFileName(s1Path);
        if (!name.StartsWith("s1.", StringComparison.Ordinal))
            throw new ArgumentException($"{s1Path}: expected the s1.SPLIT file of SentEval's SNLI layout.", nameof(s1Path));
        string split = name[3..];
        string s2Path = Path.Combine(dir, "s2." + split), labelsPath = Path.Combine(dir, "labels." + split);
        var s1 = DataFileLines.Read(s1Path).Select(l => l.Text).ToList();
        var s2 = DataFileLines.Read(s2Path).Select(l => l.Text).ToList();
        var labels = DataFileLines.Read(labelsPath).ToList();
        if (s1.Count != s2.Count || s1.Count != labels.Count)
            throw new InvalidDataException($"{dir}: s1.{split}, s2.{split} and labels.{split} have {s1.Count}, {s2.Count} and {labels.Count} lines; expected the same count.");
        var pairs = new List<LabeledPair>(s1.Count);
        for (int i = 0; i < s1.Count; i++)
        {
            string label = labels[i].Text.Trim();
            if (!Labels.Contains(label))
                throw new InvalidDataException($"{labelsPath}:{labels[i].Number}: label '{label}' is not one of {string.Join(", ", Labels)}.");
            pairs.Add(new LabeledPair(s1[i], s2[i], label));
        }
        return DataFileLines.NotEmpty(pairs, s1Path, "one premise per line, with s2 and labels files of the same length");
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
