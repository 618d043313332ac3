using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Brings one blob into the cache: atomic (bytes go to blobs/&lt;etag&gt;.incomplete, renamed when complete and
/// checked), resumable (a partial file left by an interrupted transfer or process is continued with
/// <c>Range: bytes=N-</c>), checked (the size the Hub announced; the SHA-256 of LFS files, which is their ETag; the
/// git blob SHA-1 of small files when the file list gives it).
/// </summary>
internal static class HubBlobDownload
{
    // huggingface_hub's http_get also gives up after 5 interruptions in a row without new bytes.
    private const int MaxAttemptsWithoutProgress = 5;
    private const int BufferSize = 1 << 16;
    private const long ReportEvery = 1 << 20;

    /// <summary>The complete, checked blob for <paramref name="metadata"/>; downloads what is missing of it.</summary>
    public static async Task<string> EnsureAsync(HubClient client, HubDownloadContext context, HubCache cache, string file,
        HubFileMetadata metadata, HubRepoFile? listed, CancellationToken ct)
    {
        string blob = cache.BlobPath(metadata.Etag);
        if (HubCache.HasFile(blob, metadata.Size)) return blob;
        Directory.CreateDirectory(cache.BlobsFolder);

        string incomplete = blob + ".incomplete";
        FileStream stream;
        try { stream = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous); }
        catch (IOException)
        {
            // Another process holds the shared partial file (.NET locks it): download a private copy, no resume.
            incomplete = blob + $".{Guid.NewGuid():N}.incomplete";
            stream = new FileStream(incomplete, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
        }

        await using (stream)
        {
            bool resumed = stream.Length > 0 && stream.Length <= metadata.Size;
            await TransferAsync(client, context, file, metadata, stream, incomplete, ct).ConfigureAwait(false);
            string? mismatch = await CheckAsync(stream, metadata, listed, ct).ConfigureAwait(false);
            if (mismatch is not null && resumed)
            {
                // The partial file may be stale (another revision, another mirror): one fresh download settles it.
                context.Log($"{context.RepoId}: {file}: resumed file failed its check ({mismatch}); downloading it again from the start");
                stream.SetLength(0);
                await TransferAsync(client, context, file, metadata, stream, incomplete, ct).ConfigureAwait(false);
                mismatch = await CheckAsync(stream, metadata, listed, ct).ConfigureAwait(false);
            }
            if (mismatch is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                File.Delete(incomplete);
                throw context.Error(HubErrorKind.Corrupted, file, null, $"the downloaded bytes do not match: {mismatch}");
            }
            // As AtomicFile does: the bytes are on disk before the rename, so after a crash the blob is whole or absent.
            stream.Flush(flushToDisk: true);
        }
        try { File.Move(incomplete, blob, overwrite: true); }
        catch (FileNotFoundException) when (HubCache.HasFile(blob, metadata.Size))
        {
            // A concurrent download of the same blob opened the shared partial file after this one released it, found it
            // complete and renamed it first: the blob is in place, checked by whichever of the two renamed it.
        }
        context.Settings.Progress?.Report(new HubDownloadProgress(context.RepoId, file, metadata.Size, metadata.Size));
        return blob;
    }

    private static async Task TransferAsync(HubClient client, HubDownloadContext context, string file, HubFileMetadata metadata,
        FileStream stream, string incomplete, CancellationToken ct)
    {
        long position = stream.Length;
        if (position > metadata.Size) { stream.SetLength(0); position = 0; }
        if (position > 0) context.Log($"{context.RepoId}: {file}: resuming at byte {position:N0} of {metadata.Size:N0}");
        else context.Log($"{context.RepoId}: downloading {file} ({metadata.Size:N0} bytes)");
        context.Settings.Progress?.Report(new HubDownloadProgress(context.RepoId, file, position, metadata.Size));

        int failures = 0;
        while (position < metadata.Size)   // an empty file needs no transfer: the HEAD call announced its size
        {
            long before = position;
            try
            {
                position = await ReceiveAsync(client, context, file, metadata, stream, position, ct).ConfigureAwait(false);
                if (position < metadata.Size)
                    throw new TransferInterruptedException($"the connection ended after {position:N0} of {metadata.Size:N0} bytes", null);
            }
            catch (Exception e) when ((e is TransferInterruptedException or HttpRequestException or TimeoutException) && !ct.IsCancellationRequested)
            {
                position = stream.Length;
                if (position > before) failures = 0;
                if (++failures >= MaxAttemptsWithoutProgress)
                    throw context.Error(HubErrorKind.Unreachable, file, null,
                        $"{e.Message}; {failures} attempts in a row brought no new bytes; the {position:N0} bytes received are kept in {incomplete} and the next call resumes from there", e);
                context.Log($"{context.RepoId}: {file}: {e.Message}; resuming at byte {position:N0}");
                await Task.Delay(TimeSpan.FromMilliseconds(250 * (1 << (failures - 1))), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One GET from <paramref name="position"/>; returns the new length of the partial file.</summary>
    private static async Task<long> ReceiveAsync(HubClient client, HubDownloadContext context, string file, HubFileMetadata metadata,
        FileStream stream, long position, CancellationToken ct)
    {
        using var response = await client.GetFileAsync(metadata.Location, position, file, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            stream.SetLength(0);   // the partial file is longer than what the server has: start over
            return 0;
        }
        if (position > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            stream.SetLength(0);   // the server ignored Range and sends the whole file
            position = 0;
        }
        else if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From is { } from && from != position)
        {
            stream.SetLength(0);   // a range we did not ask for: do not splice it in
            return 0;
        }

        stream.Position = position;
        Stream body;
        try { body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false); }
        catch (IOException e) { throw new TransferInterruptedException(e.Message, e); }
        await using (body)
        {
            var buffer = new byte[BufferSize];
            long reported = position;
            while (true)
            {
                int read;
                using (var timeout = client.Timeout(ct))
                {
                    try { read = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                    { throw new TransferInterruptedException($"no data for {context.Settings.Timeout.TotalSeconds:0} s", e); }
                    catch (IOException e) { throw new TransferInterruptedException($"the transfer broke off ({e.Message})", e); }
                }
                if (read == 0) break;
                if (position + read > metadata.Size)
                    throw context.Error(HubErrorKind.Corrupted, file, (int)response.StatusCode,
                        $"the server sent more than the {metadata.Size:N0} bytes the Hub announced");
                await stream.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                position += read;
                if (position - reported >= ReportEvery)
                {
                    reported = position;
                    context.Settings.Progress?.Report(new HubDownloadProgress(context.RepoId, file, position, metadata.Size));
                }
            }
        }
        await stream.FlushAsync(ct).ConfigureAwait(false);
        return position;
    }

    /// <summary>Null when the file has the announced size and hash, else what differs.</summary>
    private static async Task<string?> CheckAsync(FileStream stream, HubFileMetadata metadata, HubRepoFile? listed, CancellationToken ct)
    {
        if (stream.Length != metadata.Size) return $"{stream.Length:N0} bytes instead of the {metadata.Size:N0} the Hub announced";
        string? sha256 = listed?.LfsSha256 ?? (HubNames.IsSha256(metadata.Etag) ? metadata.Etag : null);
        if (sha256 is not null)
        {
            stream.Position = 0;
            string actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
            if (actual != sha256) return $"SHA-256 {actual}, the Hub announced {sha256}";
            if (HubNames.IsSha256(metadata.Etag) && metadata.Etag != sha256) return $"SHA-256 {actual}, but the ETag is {metadata.Etag}";
            return null;
        }
        if (listed is { BlobId: { } blobId, LfsSha256: null } && HubNames.IsCommitHash(blobId))
        {
            // A file kept in git itself: its blob id is SHA-1("blob <size>\0" + bytes).
            using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
            sha1.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
            stream.Position = 0;
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) sha1.AppendData(buffer, 0, read);
            string actual = Convert.ToHexStringLower(sha1.GetHashAndReset());
            if (actual != blobId) return $"git blob id {actual}, the Hub lists {blobId}";
        }
        return null;
    }

    /// <summary>The body stopped early or stalled: worth resuming.</summary>
    private sealed class TransferInterruptedException(string message, Exception? inner) : Exception(message, inner);
}
