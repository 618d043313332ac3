using System.Text.Json;
using System.Text.Json.Nodes;
using MLNet.SentenceEmbeddings.Modeling;
using MLNet.SentenceEmbeddings.Pooling;

namespace MLNet.SentenceEmbeddings.Checkpoints;

/// <summary>Everything a sentence encoder folder describes, before any tensor is built.</summary>
public sealed record ModelDescription(
    BertConfig Config,
    string VocabText,
    bool DoLowerCase,
    int MaxSequenceLength,
    PoolingMode Pooling,
    bool Normalize,
    Dictionary<string, NamedArray> Weights,
    string Source);

/// <summary>
/// The Hugging Face / sentence-transformers folder format: config.json, vocab.txt (or tokenizer.json),
/// tokenizer_config.json, model.safetensors, modules.json, sentence_bert_config.json, 1_Pooling/config.json and,
/// when vectors are normalised, 2_Normalize/.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string VocabFile = "vocab.txt";
    public const string TokenizerJsonFile = "tokenizer.json";
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string WeightsFile = "model.safetensors";
    public const string ModulesFile = "modules.json";
    public const string SentenceBertConfigFile = "sentence_bert_config.json";
    public const string PoolingFolder = "1_Pooling";
    public const string NormalizeFolder = "2_Normalize";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool LooksLikeModelFolder(string path) =>
        Directory.Exists(path) && File.Exists(Path.Combine(path, ConfigFile));

    /// <summary>Reads a folder; every error names the file at fault and what was expected.</summary>
    public static ModelDescription Read(string folder) =>
        ReadHeader(folder) with { Weights = SafeTensors.Read(Require(folder, WeightsFile)) };

    /// <summary>Reads everything but the weights (cheap: for schema questions such as the output width).</summary>
    public static ModelDescription ReadHeader(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Model folder not found: {folder}");
        string configPath = Require(folder, ConfigFile);
        var config = BertConfig.Load(configPath);

        var (vocab, vocabSource, lowerFromTokenizerJson) = ReadVocab(folder);
        int vocabLines = vocab.Replace("\r\n", "\n").TrimEnd('\n').Split('\n').Length;
        if (vocabLines != config.VocabSize)
            throw new InvalidDataException($"{vocabSource}: {vocabLines} tokens, but {configPath} says vocab_size = {config.VocabSize}.");

        var stConfig = ReadJson(Path.Combine(folder, SentenceBertConfigFile));
        var tokConfig = ReadJson(Path.Combine(folder, TokenizerConfigFile));
        // The tokenizer's own setting (tokenizer_config.json, else tokenizer.json, else: an uncased vocabulary has no
        // upper-case tokens). sentence_bert_config.json's do_lower_case lower-cases the input on top of that.
        bool lower = (tokConfig?["do_lower_case"]?.GetValue<bool>()
                      ?? lowerFromTokenizerJson
                      ?? !vocab.Split('\n').Take(5000).Any(t => t.Any(char.IsUpper)))
                     || (stConfig?["do_lower_case"]?.GetValue<bool>() ?? false);
        int maxSeq = config.MaxPositionEmbeddings;
        if (tokConfig?["model_max_length"]?.GetValue<long>() is long tokMax && tokMax <= config.MaxPositionEmbeddings) maxSeq = (int)tokMax;
        if (stConfig?["max_seq_length"]?.GetValue<int>() is int declared)
        {
            if (declared < 2 || declared > config.MaxPositionEmbeddings)
                throw new InvalidDataException($"{Path.Combine(folder, SentenceBertConfigFile)}: max_seq_length {declared} must be in 2..{config.MaxPositionEmbeddings} (max_position_embeddings in config.json).");
            maxSeq = declared;
        }

        var (pooling, normalize) = ReadModules(folder, config.HiddenSize);
        return new ModelDescription(config, vocab, lower, maxSeq, pooling, normalize, new(), Path.Combine(folder, WeightsFile));
    }

    /// <summary>Writes the folder format; <paramref name="weights"/> come from <see cref="StateDict.Export"/>.</summary>
    public static void Write(string folder, BertConfig config, string vocabText, bool doLowerCase, int maxSequenceLength,
                             PoolingMode pooling, bool normalize, IEnumerable<NamedArray> weights)
    {
        WriteTransformer(folder, config, vocabText, doLowerCase, maxSequenceLength, weights);
        WriteJson(Path.Combine(folder, SentenceBertConfigFile), new JsonObject
        {
            ["max_seq_length"] = maxSequenceLength,
            // sentence-transformers' own extra lower-casing; the tokenizer's is in tokenizer_config.json.
            ["do_lower_case"] = false,
        });
        var modules = new JsonArray
        {
            new JsonObject { ["idx"] = 0, ["name"] = "0", ["path"] = "", ["type"] = "sentence_transformers.models.Transformer" },
            new JsonObject { ["idx"] = 1, ["name"] = "1", ["path"] = PoolingFolder, ["type"] = "sentence_transformers.models.Pooling" },
        };
        if (normalize)
        {
            modules.Add(new JsonObject { ["idx"] = 2, ["name"] = "2", ["path"] = NormalizeFolder, ["type"] = "sentence_transformers.models.Normalize" });
            Directory.CreateDirectory(Path.Combine(folder, NormalizeFolder));
        }
        WriteJson(Path.Combine(folder, ModulesFile), modules);
        Directory.CreateDirectory(Path.Combine(folder, PoolingFolder));
        // The legacy boolean keys: what the published all-MiniLM-L6-v2 folder has and every sentence-transformers
        // version reads. Read() also accepts the v6 keys.
        WriteJson(Path.Combine(folder, PoolingFolder, ConfigFile), new JsonObject
        {
            ["word_embedding_dimension"] = config.HiddenSize,
            ["pooling_mode_cls_token"] = pooling.HasFlag(PoolingMode.Cls),
            ["pooling_mode_mean_tokens"] = pooling.HasFlag(PoolingMode.Mean),
            ["pooling_mode_max_tokens"] = pooling.HasFlag(PoolingMode.Max),
            ["pooling_mode_mean_sqrt_len_tokens"] = pooling.HasFlag(PoolingMode.MeanSqrtLen),
            ["pooling_mode_weightedmean_tokens"] = false,
            ["pooling_mode_lasttoken"] = false,
            ["include_prompt"] = true,
        });
    }

    /// <summary>
    /// The Hugging Face part alone: config.json, vocab.txt, tokenizer_config.json and model.safetensors (what a
    /// cross-encoder folder holds; <see cref="Write"/> adds the sentence-transformers modules on top).
    /// </summary>
    public static void WriteTransformer(string folder, BertConfig config, string vocabText, bool doLowerCase, int maxSequenceLength,
                                        IEnumerable<NamedArray> weights)
    {
        Directory.CreateDirectory(folder);
        config.Save(Path.Combine(folder, ConfigFile));
        File.WriteAllText(Path.Combine(folder, VocabFile), vocabText);
        WriteJson(Path.Combine(folder, TokenizerConfigFile), new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = doLowerCase,
            ["model_max_length"] = maxSequenceLength,
            ["cls_token"] = "[CLS]", ["sep_token"] = "[SEP]", ["pad_token"] = "[PAD]", ["unk_token"] = "[UNK]", ["mask_token"] = "[MASK]",
        });
        SafeTensors.Write(Path.Combine(folder, WeightsFile), weights, new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static (string Vocab, string Source, bool? Lower) ReadVocab(string folder)
    {
        string vocabPath = Path.Combine(folder, VocabFile);
        if (File.Exists(vocabPath)) return (File.ReadAllText(vocabPath), vocabPath, null);
        string tokPath = Path.Combine(folder, TokenizerJsonFile);
        if (!File.Exists(tokPath))
            throw new FileNotFoundException($"{folder}: neither {VocabFile} nor {TokenizerJsonFile} found; expected a WordPiece vocabulary.", vocabPath);
        var json = ReadJson(tokPath)!;
        var model = json["model"];
        if (model?["type"]?.GetValue<string>() is string type && type != "WordPiece")
            throw new InvalidDataException($"{tokPath}: model.type is '{type}', expected WordPiece (a BERT tokenizer).");
        var vocab = model?["vocab"]?.AsObject() ?? throw new InvalidDataException($"{tokPath}: no model.vocab object.");
        var tokens = new string[vocab.Count];
        foreach (var (token, id) in vocab)
        {
            int i = id!.GetValue<int>();
            if (i < 0 || i >= tokens.Length) throw new InvalidDataException($"{tokPath}: token '{token}' has id {i}, outside 0..{tokens.Length - 1}.");
            tokens[i] = token;
        }
        bool? lower = json["normalizer"]?["lowercase"]?.GetValue<bool>();
        return (string.Join("\n", tokens) + "\n", tokPath, lower);
    }

    private static (PoolingMode, bool) ReadModules(string folder, int hidden)
    {
        string modulesPath = Path.Combine(folder, ModulesFile);
        string poolingPath = Path.Combine(folder, PoolingFolder, ConfigFile);
        bool normalize = false;
        if (File.Exists(modulesPath))
        {
            var modules = ReadJson(modulesPath) as JsonArray
                          ?? throw new InvalidDataException($"{modulesPath}: expected a JSON array of modules.");
            foreach (var m in modules)
            {
                string type = m?["type"]?.GetValue<string>() ?? "";
                string path = m?["path"]?.GetValue<string>() ?? "";
                if (type.EndsWith(".Normalize", StringComparison.Ordinal)) normalize = true;
                else if (type.EndsWith(".Pooling", StringComparison.Ordinal)) poolingPath = Path.Combine(folder, path, ConfigFile);
                else if (!type.EndsWith(".Transformer", StringComparison.Ordinal))
                    throw new InvalidDataException($"{modulesPath}: module type '{type}' is not supported (expected Transformer, Pooling, Normalize).");
            }
        }
        if (!File.Exists(poolingPath)) return (PoolingMode.Mean, normalize); // a plain HF BERT folder: SBERT's default, MEAN
        var p = ReadJson(poolingPath)!;
        int? dim = p["embedding_dimension"]?.GetValue<int>() ?? p["word_embedding_dimension"]?.GetValue<int>();
        if (dim is int d && d != hidden)
            throw new InvalidDataException($"{poolingPath}: embedding dimension {d}, but config.json says hidden_size = {hidden}.");
        PoolingMode mode = 0;
        if (p["pooling_mode"] is JsonNode v6)
        {
            // v6 form: a string ("mean") or a list of strings (["cls", "mean"]).
            var names = v6 is JsonArray arr ? arr.Select(x => x!.GetValue<string>()) : new[] { v6.GetValue<string>() };
            try { mode = PoolingModes.Parse(string.Join("+", names)); }
            catch (ArgumentException e) { throw new InvalidDataException($"{poolingPath}: {e.Message}", e); }
        }
        else
        {
            bool Flag(string key) => p[key]?.GetValue<bool>() ?? false;
            if (Flag("pooling_mode_cls_token")) mode |= PoolingMode.Cls;
            if (Flag("pooling_mode_max_tokens")) mode |= PoolingMode.Max;
            if (Flag("pooling_mode_mean_tokens")) mode |= PoolingMode.Mean;
            if (Flag("pooling_mode_mean_sqrt_len_tokens")) mode |= PoolingMode.MeanSqrtLen;
            if (Flag("pooling_mode_weightedmean_tokens") || Flag("pooling_mode_lasttoken"))
                throw new InvalidDataException($"{poolingPath}: weightedmean and lasttoken pooling are not supported (expected cls, max, mean, mean_sqrt_len).");
        }
        if (mode == 0) throw new InvalidDataException($"{poolingPath}: no pooling mode enabled; expected pooling_mode or a pooling_mode_*_tokens flag set to true.");
        return (mode, normalize);
    }

    private static string Require(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{folder}: required file {file} is missing.", path);
        return path;
    }

    private static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
    }

    private static void WriteJson(string path, JsonNode node) => File.WriteAllText(path, node.ToJsonString(Indented));
}
