using MLNet.SentenceEmbeddings.Hub;

namespace MLNet.SentenceEmbeddings.Tests.Hub;

[TestClass]
public sealed class HubSettingsTests
{
    private static HubSettings Resolve(Dictionary<string, string> env, string home = "/home/u", Action<HubDownloadOptions>? set = null)
    {
        var options = new HubDownloadOptions { EnvironmentVariables = name => env.GetValueOrDefault(name), HomeFolder = home };
        set?.Invoke(options);
        return HubSettings.Resolve(options);
    }

    [TestMethod]
    public void TheCacheFolderFollowsHuggingfaceHubsOrder()
    {
        string home = Path.Combine(Path.GetTempPath(), "home");
        Assert.AreEqual(Path.Combine(home, ".cache", "huggingface", "hub"), Resolve(new(), home).CacheDir);
        Assert.AreEqual(Path.Combine("/x", "huggingface", "hub"), Resolve(new() { ["XDG_CACHE_HOME"] = "/x" }, home).CacheDir);
        Assert.AreEqual(Path.Combine("/hf", "hub"), Resolve(new() { ["XDG_CACHE_HOME"] = "/x", ["HF_HOME"] = "/hf" }, home).CacheDir);
        Assert.AreEqual(Path.Combine(home, "hf", "hub"), Resolve(new() { ["HF_HOME"] = "~/hf" }, home).CacheDir);
        Assert.AreEqual("/legacy", Resolve(new() { ["HF_HOME"] = "/hf", ["HUGGINGFACE_HUB_CACHE"] = "/legacy" }, home).CacheDir);
        Assert.AreEqual("/c", Resolve(new() { ["HF_HOME"] = "/hf", ["HUGGINGFACE_HUB_CACHE"] = "/legacy", ["HF_HUB_CACHE"] = "/c" }, home).CacheDir);
        Assert.AreEqual("/mine", Resolve(new() { ["HF_HUB_CACHE"] = "/c" }, home, o => o.CacheDir = "/mine").CacheDir);
    }

    [TestMethod]
    public void EndpointAndOfflineComeFromTheOptionsElseTheEnvironment()
    {
        Assert.AreEqual("https://huggingface.co/", Resolve(new()).Endpoint.AbsoluteUri);
        Assert.AreEqual("https://mirror.example/", Resolve(new() { ["HF_ENDPOINT"] = "https://mirror.example/" }).Endpoint.AbsoluteUri);
        Assert.AreEqual("http://127.0.0.1:1/", Resolve(new() { ["HF_ENDPOINT"] = "https://mirror.example" }, set: o => o.Endpoint = "http://127.0.0.1:1").Endpoint.AbsoluteUri);
        Assert.ThrowsExactly<ArgumentException>(() => Resolve(new() { ["HF_ENDPOINT"] = "ftp://x" }));

        foreach (string value in new[] { "1", "ON", "yes", "True" })
            Assert.IsTrue(Resolve(new() { ["HF_HUB_OFFLINE"] = value }).Offline, value);
        foreach (string value in new[] { "0", "", "no", "off" })
            Assert.IsFalse(Resolve(new() { ["HF_HUB_OFFLINE"] = value }).Offline, value);
        Assert.IsTrue(Resolve(new() { ["TRANSFORMERS_OFFLINE"] = "1" }).Offline);
        Assert.IsFalse(Resolve(new() { ["HF_HUB_OFFLINE"] = "1" }, set: o => o.Offline = false).Offline);
    }

    [TestMethod]
    public void TheTokenComesFromTheOptionsElseHfTokenElseTheLoginFile()
    {
        string home = Fixtures.NewTempDir();
        Assert.IsNull(Resolve(new(), home).Token);
        Directory.CreateDirectory(Path.Combine(home, ".cache", "huggingface"));
        File.WriteAllText(Path.Combine(home, ".cache", "huggingface", "token"), "hf_file\n");
        Assert.AreEqual("hf_file", Resolve(new(), home).Token);
        Assert.AreEqual("hf_env", Resolve(new() { ["HF_TOKEN"] = "hf_env" }, home).Token);
        Assert.AreEqual("hf_option", Resolve(new() { ["HF_TOKEN"] = "hf_env" }, home, o => o.Token = "hf_option").Token);
        Assert.IsNull(Resolve(new() { ["HF_TOKEN"] = "hf_env" }, home, o => o.Token = "").Token);
        string other = Path.Combine(home, "elsewhere");
        File.WriteAllText(other, "hf_path");
        Assert.AreEqual("hf_path", Resolve(new() { ["HF_TOKEN_PATH"] = other }, home).Token);
    }
}
