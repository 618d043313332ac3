namespace MLNet.SentenceEmbeddings.Tests;

/// <summary>Removes what the run wrote under <see cref="Fixtures.RunTempRoot"/> (saved models, checkpoints).</summary>
[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void DeleteTempFolders()
    {
        if (Directory.Exists(Fixtures.RunTempRoot)) Directory.Delete(Fixtures.RunTempRoot, recursive: true);
    }
}
