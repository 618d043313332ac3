using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MLNet.SentenceEmbeddings.Checkpoints;
using MLNet.SentenceEmbeddings.IO;
using MLNet.SentenceEmbeddings.Tokenization;

// tools/tokenizer-parity/run.sh drives this:
//   export-vocabs DIR           the embedded models' vocab.txt files (LF), for the reference side to build tokenizer.json from
//   compare WORK DOC COMMAND    our ids vs. the reference ids in WORK; writes the generated section of DOC
return args switch
{
    ["export-vocabs", var dir] => ExportVocabs(dir),
    ["compare", var work, var doc, var command] => Compare(work, doc, command),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: TokenizerParity export-vocabs DIR | compare WORK_DIR DOC_PATH COMMAND_TEXT");
    return 2;
}

static int ExportVocabs(string dir)
{
    Directory.CreateDirectory(dir);
    foreach (var (name, model) in new[] { ("minilm", PretrainedModels.AllMiniLmL6V2), ("arctic-xs", PretrainedModels.ArcticEmbedXs), ("minilm-cased", PretrainedModels.AllMiniLmL6V2) })
        File.WriteAllText(Path.Combine(dir, name + ".vocab.txt"), PretrainedModels.ReadVocab(model), new UTF8Encoding(false));
    return 0;
}

static int Compare(string work, string docPath, string command)
{
    using var inputsDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(work, "inputs.json")));
    var inputs = inputsDoc.RootElement;
    string library = inputs.GetProperty("library").GetString()!;
    int truncation = inputs.GetProperty("truncation").GetInt32();
    var singles = inputs.GetProperty("singles").EnumerateArray().Select(ReadText).ToList();
    var pairs = inputs.GetProperty("pairs").EnumerateArray().Select(p => (ReadText(p[0]), ReadText(p[1]))).ToList();
    using var manifestDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(work, "manifest.json")));
    string node = manifestDoc.RootElement.GetProperty("node").GetString()!;

    var rows = new List<string>();
    var mismatches = new List<string>();
    long totalChecks = 0, totalMismatches = 0;
    foreach (var entry in manifestDoc.RootElement.GetProperty("tokenizers").EnumerateObject())
    {
        string name = entry.Name, file = entry.Value.GetString()!;
        using var expectedDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(work, "expected", name + ".json")));
        var expected = expectedDoc.RootElement;
        long before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        var contents = TokenizerJson.Read(file);
        double loadSeconds = sw.Elapsed.TotalSeconds;
        long heapMb = (GC.GetTotalMemory(true) - before) / (1024 * 1024);
        var full = new SentenceTokenizer(contents.Subwords, contents.Template, contents.PadTokenId, 1_000_000);
        var cut = full.WithMaxSequenceLength(truncation);
        int checks = 0, bad = 0;
        void Check(string kind, string input, JsonElement want, Func<int[]> ours)
        {
            checks++;
            int[]? got = null;
            string? error = null;
            try { got = ours(); } catch (Exception e) { error = e.GetType().Name + ": " + e.Message; }
            bool wantError = want.ValueKind == JsonValueKind.Object;
            bool same = wantError ? error is not null : got is not null && want.EnumerateArray().Select(x => x.GetInt32()).SequenceEqual(got);
            if (same) return;
            bad++;
            mismatches.Add($"| {name} | {kind} | `{Escape(input)}` | `{(wantError ? "error: " + want.GetProperty("error").GetString() : Ids(want))}` | `{(error ?? string.Join(' ', got!))}` |");
        }
        var ids = expected.GetProperty("ids");
        var truncated = expected.GetProperty("truncatedIds");
        for (int i = 0; i < singles.Count; i++)
        {
            string s = singles[i];
            Check("single", s, ids[i], () => full.Encode(s).InputIds);
            Check($"single, max {truncation}", s, truncated[i], () => cut.Encode(s).InputIds);
        }
        var pairIds = expected.GetProperty("pairIds");
        var truncatedPairs = expected.GetProperty("truncatedPairIds");
        for (int i = 0; i < pairs.Count; i++)
        {
            var (a, b) = pairs[i];
            Check("pair", a + " ‖ " + b, pairIds[i], () => full.EncodePair(a, b).InputIds);
            Check($"pair, max {truncation}", a + " ‖ " + b, truncatedPairs[i], () => cut.EncodePair(a, b).InputIds);
        }
        totalChecks += checks;
        totalMismatches += bad;
        string source = file.Contains("node_modules") ? "shipped in npm package " + file[(file.IndexOf("node_modules/") + 13)..].Split("/models/")[0]
            : "built by the reference library";
        rows.Add($"| {name} | {Describe(file)} | {source} | {contents.Subwords.VocabSize:N0} | {checks:N0} | {bad} | {100.0 * bad / checks:0.###}% | {loadSeconds:0.0} s, +{heapMb} MB |");
        Console.WriteLine($"{name}: {bad} mismatches in {checks:N0} checks");
    }

    // The embedded models' vocab.txt path (BertTokenizer) against the tokenizer.json the library built from the same vocabulary.
    var vocabRows = new List<string>();
    foreach (var (name, model) in new[] { ("wordpiece-minilm", PretrainedModels.AllMiniLmL6V2), ("wordpiece-arctic-xs", PretrainedModels.ArcticEmbedXs) })
    {
        string file = Path.Combine(work, "tokenizers", name + ".json");
        if (!File.Exists(file)) continue;
        var fromJson = TokenizerJson.Load(file, 1_000_000);
        var fromVocab = SentenceTokenizer.FromVocab(PretrainedModels.ReadVocab(model), 1_000_000, model.DoLowerCase);
        var differ = singles.Where(s => !fromJson.Encode(s).InputIds.SequenceEqual(fromVocab.Encode(s).InputIds)).ToList();
        vocabRows.Add($"| {model.Name} | {singles.Count:N0} | {differ.Count} |");
        foreach (var s in differ)
            mismatches.Add($"| {name} vs vocab.txt path | single | `{Escape(s)}` | `{string.Join(' ', fromJson.Encode(s).InputIds)}` | `{string.Join(' ', fromVocab.Encode(s).InputIds)}` |");
    }

    var section = new StringBuilder();
    section.AppendLine($"Generated by `{command}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, machine: {Machine()}.");
    section.AppendLine($"Reference: {library}, Node {node}. Inputs: {singles.Count:N0} lines (STSb test, STSb dev, SICK test, tools/tokenizer-parity/extra-inputs.json) and {pairs.Count} pairs; each encoded with special tokens, untruncated and truncated to {truncation} tokens (longest first for pairs).");
    section.AppendLine();
    section.AppendLine($"**{totalMismatches} mismatches in {totalChecks:N0} id sequences ({100.0 * totalMismatches / Math.Max(1, totalChecks):0.####}%).**");
    section.AppendLine();
    section.AppendLine("| tokenizer.json | kind | source | vocabulary | checks | mismatches | rate | load (time, managed heap) |");
    section.AppendLine("|---|---|---|---:|---:|---:|---:|---|");
    foreach (var r in rows) section.AppendLine(r);
    section.AppendLine();
    section.AppendLine("The embedded models' `vocab.txt` path (`SentenceTokenizer.FromVocab`) against the tokenizer.json the reference built from the same vocabulary:");
    section.AppendLine();
    section.AppendLine("| model | lines | lines whose ids differ |");
    section.AppendLine("|---|---:|---:|");
    foreach (var r in vocabRows) section.AppendLine(r);
    section.AppendLine();
    if (mismatches.Count == 0) section.AppendLine("No mismatches.");
    else
    {
        section.AppendLine("Every mismatch (expected = reference library, got = ours):");
        section.AppendLine();
        section.AppendLine("| tokenizer.json | input kind | input | expected | got |");
        section.AppendLine("|---|---|---|---|---|");
        foreach (var m in mismatches) section.AppendLine(m);
    }
    WriteSection(docPath, section.ToString());
    Console.WriteLine($"{totalMismatches} mismatches in {totalChecks:N0} checks; wrote {docPath}");
    return 0;
}

static string ReadText(JsonElement e) => e.TryGetProperty("text", out var t) ? t.GetString()!
    : new string(e.GetProperty("u16").EnumerateArray().Select(x => (char)x.GetInt32()).ToArray());

static string Ids(JsonElement ids) => string.Join(' ', ids.EnumerateArray().Select(x => x.GetInt32()));

static string Describe(string file)
{
    using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
    var r = doc.RootElement;
    string Type(string name) => r.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) ? t.GetString()! : "none";
    return $"{Type("model")}; normalizer {Type("normalizer")}; pre-tokenizer {Type("pre_tokenizer")}; post-processor {Type("post_processor")}";
}

static string Escape(string s)
{
    var sb = new StringBuilder();
    foreach (char c in s.Length > 160 ? s[..160] + "…" : s)
        sb.Append(c switch
        {
            '|' => "\\|",
            '`' => "'",
            < ' ' or '\u007f' or (>= '\u0080' and < '\u00a0') or '\u2028' or '\u2029' or '\ufeff' or '\u200b' => $"\\u{(int)c:x4}",
            _ when char.IsSurrogate(c) => $"\\u{(int)c:x4}",
            _ => c.ToString(),
        });
    return sb.ToString();
}

static string Machine()
{
    string cpu = "unknown CPU";
    try { cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? cpu; } catch (IOException) { }
    return $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, {Environment.ProcessorCount} cores, {cpu}, .NET {Environment.Version}";
}

// Replaces the text between the markers (or appends the block); written whole or not at all.
static void WriteSection(string docPath, string body)
{
    // The markers every generated section uses (the docs figures check reads sections by them).
    const string begin = "<!-- tokenizer-parity:start -->", end = "<!-- tokenizer-parity:end -->";
    string text = File.Exists(docPath) ? File.ReadAllText(docPath) : "# Tokenizers\n\n";
    string block = begin + "\n" + body + end;
    int b = text.IndexOf(begin, StringComparison.Ordinal), e = text.IndexOf(end, StringComparison.Ordinal);
    text = b >= 0 && e > b ? text[..b] + block + text[(e + end.Length)..] : text.TrimEnd() + "\n\n" + block + "\n";
    AtomicFile.WriteAllText(docPath, text);
}
