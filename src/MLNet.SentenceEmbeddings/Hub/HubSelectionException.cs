namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>A file selection found the repository unusable; the downloader turns it into a <see cref="HubDownloadException"/> naming the repository.</summary>
internal sealed class HubSelectionException(string? file, string message, Exception? inner = null) : Exception(message, inner)
{
    public string? File { get; } = file;

    public HubErrorKind Kind { get; init; } = HubErrorKind.InvalidRepository;
}
