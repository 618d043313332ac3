namespace MLNet.SentenceEmbeddings.Hub;

/// <summary>
/// Downloads a sentence-transformers model from the Hugging Face Hub into the Hub's shared cache and returns the
/// local snapshot folder, ready for <c>SentenceEncoder.Load(folder)</c>.
/// <para>
/// Only the files the model needs are fetched: modules.json first, then the root configuration and tokenizer files
/// (config.json, config_sentence_transformers.json, sentence_bert_config.json, tokenizer.json, tokenizer_config.json,
/// special_tokens_map.json, added_tokens.json, vocab.txt, vocab.json, merges.txt, sentencepiece.bpe.model,
/// spiece.model, tokenizer.model), one weights format (model.safetensors; else model.safetensors.index.json and its
/// shards; else pytorch_model.bin or its index and shards), and the files in each module folder that modules.json
/// lists (1_Pooling/config.json, 2_Dense/...). ONNX, OpenVINO, TensorFlow, Flax, Rust and Core ML files are never
/// fetched. No remote code ever runs: Python files are not downloaded and config flags such as
/// <c>trust_remote_code</c> or <c>auto_map</c> are ignored.
/// </para>
/// <para>
/// The cache has huggingface_hub's layout (models--namespace--name/{blobs, snapshots/&lt;commit&gt;, refs}), so
/// Python and .NET on one machine share it; HF_HUB_CACHE, HF_HOME, HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE mean
/// what they mean to huggingface_hub (<see cref="HubDownloadOptions"/>, docs/hub.md). Downloads are atomic,
/// resumable and checked against the size and SHA-256 the Hub announces.
/// </para>
/// <para>
/// Why our own client on <see cref="HttpClient"/> rather than a library: Hugging Face publishes no .NET Hub client,
/// and of the packages NuGet serves here the only ones tagged "huggingface" are Tokenizers.DotNet 1.4.1 and its native
/// runtime, a tokenizer wrapper, not a Hub client. The protocol is three HTTP calls (revision, HEAD, GET), learnt from
/// huggingface_hub's file_download.py and hf_api.py; HttpClient is part of .NET, so no package is added.
/// </para>
/// </summary>
public static class HubModelDownloader
{
    /// <summary>
    /// The local folder holding <paramref name="repoId"/> at <see cref="HubDownloadOptions.Revision"/>, downloading
    /// what the cache lacks.
    /// </summary>
    /// <param name="repoId">"namespace/name", e.g. "sentence-transformers/all-MiniLM-L6-v2".</param>
    /// <param name="options">Revision, endpoint, token, cache folder, offline mode, progress and log; null for the defaults and the environment.</param>
    /// <param name="cancellationToken">Stops the download; a partial file is kept and resumed by the next call.</param>
    /// <returns>snapshots/&lt;commit&gt; in the cache (files there are symbolic links into blobs/, or copies).</returns>
    /// <exception cref="ArgumentException"><paramref name="repoId"/> or the revision is not a valid Hub id or revision.</exception>
    /// <exception cref="HubDownloadException">The Hub refused, the repository, revision or a file does not exist, the network
    /// is unreachable, the cache lacks the model offline, or a file failed its check; <see cref="HubDownloadException.Kind"/> says which.</exception>
    public static string Download(string repoId, HubDownloadOptions? options = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(repoId, options, cancellationToken).GetAwaiter().GetResult();

    /// <inheritdoc cref="Download"/>
    public static Task<string> DownloadAsync(string repoId, HubDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var context = HubDownloadStart.Context(HubRepoType.Model, repoId, options);
        return HubSnapshotDownloader.DownloadAsync(context, new SentenceTransformerFiles(), cancellationToken);
    }
}
