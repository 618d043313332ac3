using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

[TestClass]
public sealed class HubRepoIdTests
{
    [TestMethod]
    [DataRow("sentence-transformers/all-MiniLM-L6-v2", true)]
    [DataRow("Snowflake/snowflake-arctic-embed-xs", true)]
    [DataRow("BAAI/bge-small-en-v1.5", true)]
    [DataRow("bert-base-uncased", true)]
    [DataRow("a/b", true)]
    [DataRow("org/name/extra", false)]
    [DataRow("org--x/name", false)]
    [DataRow("org/na..me", false)]
    [DataRow("../name", false)]
    [DataRow("/abs/name", false)]
    [DataRow("org/name.git", false)]
    [DataRow("org/-name", false)]
    [DataRow("org/name-", false)]
    [DataRow("org/na me", false)]
    [DataRow("org\\name", false)]
    [DataRow("", false)]
    public void IsValidFollowsTheHubsNamingRules(string id, bool valid) => Assert.AreEqual(valid, HubRepoId.IsValid(id));

    [TestMethod]
    public void IsValidRefusesIdsLongerThan96Characters()
    {
        Assert.IsTrue(HubRepoId.IsValid("o/" + new string('n', 94)));
        Assert.IsFalse(HubRepoId.IsValid("o/" + new string('n', 95)));
    }

    [TestMethod]
    public void IsRepoIdNeedsANamespaceAndYieldsToAnExistingFolder()
    {
        Assert.IsTrue(HubRepoId.IsRepoId("sentence-transformers/all-MiniLM-L6-v2"));
        Assert.IsFalse(HubRepoId.IsRepoId("default"));
        Assert.IsFalse(HubRepoId.IsRepoId(null));
        string root = Fixtures.NewTempDir();
        Directory.CreateDirectory(Path.Combine(root, "models", "mine"));
        string previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = root;
            Assert.IsFalse(HubRepoId.IsRepoId("models/mine"));
            Assert.IsTrue(HubRepoId.IsRepoId("models/other"));
        }
        finally { Environment.CurrentDirectory = previous; }
    }

    [TestMethod]
    public void CacheFolderNamesAreHuggingfaceHubs()
    {
        Assert.AreEqual("models--sentence-transformers--all-MiniLM-L6-v2", HubRepoId.CacheFolderName("sentence-transformers/all-MiniLM-L6-v2", HubRepoType.Model));
        Assert.AreEqual("datasets--org--name", HubRepoId.CacheFolderName("org/name", HubRepoType.Dataset));
        Assert.AreEqual("models--gpt2", HubRepoId.CacheFolderName("gpt2", HubRepoType.Model));
    }
}
