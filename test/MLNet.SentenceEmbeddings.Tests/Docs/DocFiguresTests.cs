using MLNet.SentenceEmbeddings.Tests.Packaging;

namespace MLNet.SentenceEmbeddings.Tests.Docs;

[TestClass]
public class DocFiguresTests
{
    private static string QuotedFile => Path.Combine(LocalPackages.RepositoryRoot, "docs", "quoted-figures.txt");

    private static Dictionary<string, string> RepositoryDocs()
    {
        string root = LocalPackages.RepositoryRoot;
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md")
            .ToDictionary(f => "docs/" + Path.GetFileName(f), File.ReadAllText);
        docs["README.md"] = File.ReadAllText(Path.Combine(root, "README.md"));
        return docs;
    }

    [TestMethod]
    public void EveryFigureInHandWrittenProseIsGeneratedOrQuoted()
    {
        var unsourced = DocFigures.Unsourced(RepositoryDocs(), DocFigures.ReadQuoted(QuotedFile));
        Assert.AreEqual(0, unsourced.Count,
            "figures typed into prose that no generated section holds (link to the section, or quote the paper in docs/quoted-figures.txt):\n" +
            string.Join("\n", unsourced));
    }

    [TestMethod]
    public void EveryQuotedFigureIsStillUsed()
    {
        // A quoted figure that no prose uses any more would let the same number back in unnoticed.
        var docs = RepositoryDocs();
        var quoted = DocFigures.ReadQuoted(QuotedFile);
        var unused = quoted.Where(q => DocFigures.Unsourced(docs, quoted.Where(x => x != q).ToHashSet()).Count == 0).ToList();
        Assert.AreEqual(0, unused.Count, "docs/quoted-figures.txt names docs whose prose does not need the figure: " +
            string.Join(", ", unused.Select(u => $"{u.Figure} in {u.Doc}")));
    }

    [TestMethod]
    public void AFigureTypedIntoProseIsFound()
    {
        var doc = new Dictionary<string, string>
        {
            ["a.md"] = "# A\n\n<!-- run:start -->\n| x | 82.04 | 0.98853 | 619.0 |\n<!-- run:end -->\n\n" +
                       "We got 82.04, then 85.92 after training (+60%), 1.16x faster; cosine 0.989.\n" +
                       "Versions 1.31.1 and TorchSharp 0.107, `0.5` in code, [link](v2.5.html), 5 epochs and 2 cores are not figures.\n" +
                       "```\n0.123\n```\n",
        };
        var found = DocFigures.Unsourced(doc, new HashSet<(string, string)> { ("a.md", "0.107") });
        CollectionAssert.AreEqual(new[] { "a.md:7: 85.92", "a.md:7: 60%", "a.md:7: 1.16x" }, found.Select(f => f[..f.IndexOf(" (", StringComparison.Ordinal)]).ToArray(),
            string.Join("\n", found));
    }

    [TestMethod]
    public void ARoundingThatCarriesIntoTheWholePartDoesNotSource()
    {
        var doc = new Dictionary<string, string> { ["a.md"] = "<!-- t:start -->\n| 0.96x | 0.9885 |\n<!-- t:end -->\n\nClipping at 1.0; cosine 0.989.\n" };
        var found = DocFigures.Unsourced(doc, new HashSet<(string, string)>());
        CollectionAssert.AreEqual(new[] { "a.md:5: 1.0" }, found.Select(f => f[..f.IndexOf(" (", StringComparison.Ordinal)]).ToArray(), string.Join("\n", found));
    }

    [TestMethod]
    public void AMeanAndDeviationMustBeGeneratedTogether()
    {
        // Each number of "85.50 ± 0.19" is in the table, on different rows: the pair is a claim no row makes. The
        // pair of another row, also across a line break, and a rounding of a generated pair are sourced.
        var doc = new Dictionary<string, string>
        {
            ["a.md"] = "<!-- t:start -->\n| regression | 85.50 ± 0.14 |\n| cosent | 86.321 ± 0.19 |\n<!-- t:end -->\n\n" +
                       "Regression scores 85.50 ± 0.19 over three seeds.\nRegression scores 85.50 ±\n0.14, CoSENT 86.32 ± 0.19.\n",
        };
        var found = DocFigures.Unsourced(doc, new HashSet<(string, string)>());
        CollectionAssert.AreEqual(new[] { "a.md:6: 85.50 ± 0.19" }, found.Select(f => f[..f.IndexOf(" (", StringComparison.Ordinal)]).ToArray(), string.Join("\n", found));
    }

    [TestMethod]
    public void AFigureIsSourcedOnlyByItsOwnDocOrADocItsLineLinksTo()
    {
        // 80.42 is a generated NDCG in b.md; typed into a.md as a paper's accuracy (at the end of a sentence) it must not
        // count as sourced there.
        var docs = new Dictionary<string, string>
        {
            ["docs/a.md"] = "# A\n\nThe paper reports 80.42.\nOur best run scores 84.34 ([b](b.md#runs)).\nSee 84.34 in [root](../README.md).\n",
            ["docs/b.md"] = "# B\n\n<!-- runs:start -->\n| arctic-xs | 80.42 | 84.34 |\n<!-- runs:end -->\n",
            ["README.md"] = "# R\n\nQuoted 80.42 for another doc.\n",
        };
        var quoted = new HashSet<(string, string)> { ("docs/b.md", "80.42") };
        var found = DocFigures.Unsourced(docs, quoted).Select(f => f[..f.IndexOf(" (", StringComparison.Ordinal)]).ToArray();
        CollectionAssert.AreEqual(new[] { "README.md:3: 80.42", "docs/a.md:3: 80.42", "docs/a.md:5: 84.34" }, found, string.Join("\n", found));

        quoted.Add(("docs/a.md", "80.42"));
        quoted.Add(("README.md", "80.42"));
        CollectionAssert.AreEqual(new[] { "docs/a.md:5: 84.34" },
            DocFigures.Unsourced(docs, quoted).Select(f => f[..f.IndexOf(" (", StringComparison.Ordinal)]).ToArray());
    }

    [TestMethod]
    public void AQuotedLineMustNameItsDocs()
    {
        string path = Path.Combine(Path.GetTempPath(), $"quoted-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(path, "# comment\n0.107 README.md docs/native-loading.md  # a version\n");
            CollectionAssert.AreEquivalent(new[] { ("README.md", "0.107"), ("docs/native-loading.md", "0.107") }, DocFigures.ReadQuoted(path).ToArray());
            File.WriteAllText(path, "0.107  # a version, no doc\n");
            var e = Assert.ThrowsExactly<InvalidDataException>(() => DocFigures.ReadQuoted(path));
            StringAssert.Contains(e.Message, ":1: '0.107' names no doc");
        }
        finally { File.Delete(path); }
    }
}
