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
        Assert.AreEqual(0, unused.Count, "docs/quoted-figures.txt lists figures no prose needs: " + string.Join(", ", unused));
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
        var found = DocFigures.Unsourced(doc, new HashSet<string> { "0.107" });
        CollectionAssert.AreEqual(new[] { "a.md:7: 85.92", "a.md:7: 60%", "a.md:7: 1.16x" }, found.Select(f => f[..f.IndexOf(" (", StringComparison.Ordinal)]).ToArray(),
            string.Join("\n", found));
    }
}
