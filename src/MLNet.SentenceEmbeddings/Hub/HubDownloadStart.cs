namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>Argument checks shared by the model and data-set downloaders, done before any request.</summary>
internal static class HubDownloadStart
{
    public static HubDownloadContext Context(HubRepoType type, string repoId, HubDownloadOptions? options)
    {
        HubRepoId.Validate(repoId, nameof(repoId));
        var settings = HubSettings.Resolve(options);
        if (HubNames.UnsafeRevisionReason(settings.Revision) is { } reason)
            throw new ArgumentException($"Revision '{settings.Revision}' is refused because {reason}; expected a branch, tag or commit.", nameof(options));
        return new HubDownloadContext(type, repoId, settings);
    }
}
