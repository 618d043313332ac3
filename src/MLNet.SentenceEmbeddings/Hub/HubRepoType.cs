namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>The two kinds of Hub repository this library reads; they differ only in URL and cache-folder prefixes.</summary>
internal enum HubRepoType
{
    Model,
    Dataset,
}

internal static class HubRepoTypeNames
{
    /// <summary>"model" / "dataset", as huggingface_hub's repo_type.</summary>
    public static string Name(this HubRepoType type) => type == HubRepoType.Model ? "model" : "dataset";

    /// <summary>"models" / "datasets": the API path segment and the cache folder prefix.</summary>
    public static string PluralName(this HubRepoType type) => type == HubRepoType.Model ? "models" : "datasets";

    /// <summary>What goes before the repository id in a /resolve/ URL: nothing for models, "datasets/" for data sets.</summary>
    public static string ResolvePrefix(this HubRepoType type) => type == HubRepoType.Model ? "" : "datasets/";
}
