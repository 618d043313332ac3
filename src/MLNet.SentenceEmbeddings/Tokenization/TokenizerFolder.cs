using System.Text;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Checkpoints;

namespace MLNet.SentenceEmbeddings.Tokenization;

/// <summary>
/// The tokenizer files of a Hugging Face model folder: tokenizer.json (any of WordPiece, BPE, Unigram:
/// <see cref="TokenizerJson"/>) or vocab.txt (BERT's WordPiece), with
/// tokenizer_config.json and special_tokens_map.json. The files are kept as read, so a saved model carries them
/// unchanged.
/// </summary>
public sealed record TokenizerFolder(ISubwordTokenizer Subwords, SpecialTokenTemplate Template, int PadTokenId,
    long? ModelMaxLength, IReadOnlyDictionary<string, byte[]> Files)
{
    /// <summary>Names the file the vocabulary came from, in messages.</summary>
    public string Source { get; init; } = "tokenizer";

    public const string VocabFile = "vocab.txt";
    public const string TokenizerJsonFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";

    /// <summary>Every file that belongs to a tokenizer (what is copied back on save).</summary>
    public static IReadOnlyList<string> KnownFiles { get; } = new[]
    {
        TokenizerJsonFile, TokenizerConfigFile, SpecialTokensMapFile, VocabFile, "vocab.json", "merges.txt",
        "sentencepiece.bpe.model", "spiece.model", "added_tokens.json",
    };

    /// <summary>A tokenizer with a maximum length.</summary>
    public SentenceTokenizer Create(int maxSequenceLength) => new(Subwords, Template, PadTokenId, maxSequenceLength);

    /// <summary>Reads the tokenizer of the module folder <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">Neither vocab.txt nor tokenizer.json; the message names the folder.</exception>
    /// <exception cref="InvalidDataException">A file is malformed; the message names it.</exception>
    public static TokenizerFolder Read(IModelFileSource source, string folder)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in KnownFiles)
        {
            string path = ModelPath.Join(folder, name);
            if (!source.Exists(path)) continue;
            long length = source.Length(path);
            if (length > 1L << 30) throw new InvalidDataException($"{source.Describe(path)}: {length} bytes is too large for a tokenizer file (limit 1 GiB).");
            using var stream = source.Open(path);
            using var memory = new MemoryStream((int)length);
            stream.CopyTo(memory);
            files[name] = memory.ToArray();
        }
        var config = files.TryGetValue(TokenizerConfigFile, out var c)
            ? JsonConfigFile.Parse(new MemoryStream(c), source.Describe(ModelPath.Join(folder, TokenizerConfigFile))) : null;
        long? modelMaxLength = config?.GetLimit("model_max_length");

        // tokenizer.json is the whole pipeline (what transformers' fast tokenizers run); vocab.txt alone is BERT's WordPiece.
        if (files.TryGetValue(TokenizerJsonFile, out var json))
        {
            string name = source.Describe(ModelPath.Join(folder, TokenizerJsonFile));
            var contents = TokenizerJson.Parse(json, name, SpecialToken(config, "pad_token"));
            return new TokenizerFolder(contents.Subwords, contents.Template, contents.PadTokenId, modelMaxLength, files) { Source = name };
        }
        if (files.TryGetValue(VocabFile, out var vocab))
        {
            string vocabName = source.Describe(ModelPath.Join(folder, VocabFile));
            string text = Encoding.UTF8.GetString(vocab);
            bool lower = config?.GetBoolean("do_lower_case") ?? LooksUncased(text);
            WordPieceTokenizer wordPiece;
            try { wordPiece = WordPieceTokenizer.FromVocab(text, lower, vocabName, config?.GetBoolean("strip_accents"), config?.GetBoolean("tokenize_chinese_chars") ?? true); }
            catch (ArgumentException e) { throw new InvalidDataException($"{vocabName}: not a usable WordPiece vocabulary ({e.Message}).", e); }
            int Special(string key, string fallback)
            {
                string token = SpecialToken(config, key) ?? fallback;
                return wordPiece.TokenToId(token) ?? throw new InvalidDataException($"{vocabName}: the vocabulary has no {token} token ({key} of the tokenizer).");
            }
            var template = SpecialTokenTemplate.Bert(Special("cls_token", "[CLS]"), Special("sep_token", "[SEP]"));
            return new TokenizerFolder(wordPiece, template, Special("pad_token", "[PAD]"), modelMaxLength, files) { Source = vocabName };
        }
        string where = source.Describe(folder.Length == 0 ? "." : folder);
        throw new FileNotFoundException($"{where}: no tokenizer found; expected {VocabFile} (WordPiece) or {TokenizerJsonFile}.", source.Describe(ModelPath.Join(folder, VocabFile)));
    }

    /// <summary>The files a WordPiece tokenizer saves when it was not read from a folder (vocab.txt and tokenizer_config.json).</summary>
    public static TokenizerFolder ForWordPiece(WordPieceTokenizer wordPiece, long? modelMaxLength)
    {
        var config = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = wordPiece.DoLowerCase,
            ["model_max_length"] = modelMaxLength,
            ["cls_token"] = "[CLS]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["unk_token"] = "[UNK]", ["mask_token"] = "[MASK]",
        };
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [VocabFile] = Encoding.UTF8.GetBytes(wordPiece.VocabText),
            [TokenizerConfigFile] = Encoding.UTF8.GetBytes(config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })),
        };
        var template = SpecialTokenTemplate.Bert(wordPiece.TokenToId("[CLS]")!.Value, wordPiece.TokenToId("[SEP]")!.Value);
        return new TokenizerFolder(wordPiece, template, wordPiece.TokenToId("[PAD]")!.Value, modelMaxLength, files);
    }

    /// <summary>Writes the tokenizer files as they were read.</summary>
    public void Save(IModelFileSink sink, string folder)
    {
        foreach (var (name, bytes) in Files) sink.Write(ModelPath.Join(folder, name), s => s.Write(bytes));
    }

    // An uncased vocabulary has no A-Z besides its bracketed specials ([CLS], [unused0]); other scripts' capitals (ℝ)
    // survive lower-casing in bert-base-uncased. Used only when no tokenizer_config.json says do_lower_case.
    private static bool LooksUncased(string vocab) =>
        !vocab.Split('\n').Take(5000).Any(t => !(t.StartsWith('[') && t.EndsWith(']')) && t.Any(c => c is >= 'A' and <= 'Z'));

    // A special token is a string or an AddedToken object {"content": "[CLS]", ...}.
    private static string? SpecialToken(JsonConfigFile? config, string key) => config?.Object[key] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["content"] is JsonValue c && c.TryGetValue<string>(out var s) => s,
        _ => null,
    };
}
