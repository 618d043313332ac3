// Builds a SentencePiece "precompiled_charsmap" blob: a Darts-clone double-array trie over UTF-8 keys whose values are
// byte offsets into a blob of NUL-terminated replacement strings. Layout (as the Hugging Face tokenizers library
// reads it): u32 LE trie size in bytes, the trie's u32 units, the strings. Unit bits: 0-7 label, 8 has-leaf,
// 9 offset-extension (unused here), 10-31 offset; a leaf unit holds its value with bit 31 set.
'use strict';

function buildCharsMap(map) {
  // Strings blob.
  const valueOf = new Map();
  const parts = [];
  let blobLength = 0;
  for (const [, to] of map) {
    if (valueOf.has(to)) continue;
    const bytes = Buffer.concat([Buffer.from(to, 'utf8'), Buffer.from([0])]);
    valueOf.set(to, blobLength);
    parts.push(bytes);
    blobLength += bytes.length;
  }
  // Byte trie.
  const root = { children: new Map(), value: undefined };
  for (const [from, to] of map) {
    let node = root;
    for (const b of Buffer.from(from, 'utf8')) {
      if (!node.children.has(b)) node.children.set(b, { children: new Map(), value: undefined });
      node = node.children.get(b);
    }
    node.value = valueOf.get(to);
  }
  // Double array: each node gets a base b (unique); its child with label c sits at b ^ c, its leaf at b ^ 0.
  let capacity = 1 << 16;
  let units = new Uint32Array(capacity);
  let used = new Uint8Array(capacity);
  const usedBases = new Set();
  const grow = (n) => {
    while (n >= capacity) capacity *= 2;
    if (units.length < capacity) {
      const u = new Uint32Array(capacity); u.set(units); units = u;
      const f = new Uint8Array(capacity); f.set(used); used = f;
    }
  };
  used[0] = 1;
  let size = 1;
  let searchFrom = 1;
  const queue = [{ node: root, index: 0, label: 0 }];
  while (queue.length > 0) {
    const { node, index, label } = queue.shift();
    const labels = [...node.children.keys()].sort((a, b) => a - b);
    const hasLeaf = node.value !== undefined;
    const all = hasLeaf ? [0, ...labels] : labels;
    let base = 0;
    if (all.length > 0) {
      for (let free = searchFrom; ; free++) {
        grow(free + 256);
        if (used[free]) continue;
        const b = free ^ all[0];
        if (b === 0 || usedBases.has(b)) continue;
        let ok = true;
        for (const c of all) { grow((b ^ c) + 1); if (used[b ^ c]) { ok = false; break; } }
        if (ok) { base = b; break; }
      }
      usedBases.add(base);
      for (const c of all) { used[base ^ c] = 1; size = Math.max(size, (base ^ c) + 1); }
      while (used[searchFrom]) searchFrom++;
    }
    const offset = index ^ base;
    if (offset >= (1 << 21)) throw new Error('charsmap too large for offsets without extension');
    units[index] = (((offset << 10) >>> 0) | (hasLeaf ? 1 << 8 : 0) | (index === 0 ? 0 : label)) >>> 0;
    if (hasLeaf) units[base] = ((node.value & 0x7fffffff) | 0x80000000) >>> 0;
    for (const c of labels) queue.push({ node: node.children.get(c), index: base ^ c, label: c });
  }
  // The reader XORs labels into a base without bounds checks: cover the whole 256-unit block of the last base.
  size = (size - 1) | 255;
  size += 1;
  grow(size);
  const trie = Buffer.alloc(4 + size * 4);
  trie.writeUInt32LE(size * 4, 0);
  for (let i = 0; i < size; i++) trie.writeUInt32LE(units[i], 4 + 4 * i);
  return Buffer.concat([trie, ...parts]);
}

// An NFKC-style map (our stand-in for SentencePiece's nmt_nfkc rules, which we may not copy): every code point whose
// NFKC form differs, some control characters removed or turned into spaces, and a few multi-code-point keys so the
// grapheme rules of the reader are exercised.
function nfkcMap() {
  const map = new Map();
  for (let cp = 0; cp <= 0x2ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    const n = s.normalize('NFKC');
    if (n !== s) map.set(s, n);
  }
  for (const cp of [...range(0x01, 0x08), 0x0b, ...range(0x0e, 0x1f), 0x7f, 0x200b, 0xfeff]) map.set(String.fromCodePoint(cp), '');
  for (const cp of [0x09, 0x0a, 0x0d, 0x3000, 0x00a0]) map.set(String.fromCodePoint(cp), ' ');
  for (const base of 'aeiouAEIOUnNcC') for (const mark of [0x300, 0x301, 0x302, 0x303, 0x308, 0x327]) {
    const s = base + String.fromCodePoint(mark);
    const n = s.normalize('NFKC');
    if (n !== s) map.set(s, n);
  }
  return map;
}

// A handful of rules for the committed unit-test fixture (small enough to read).
function tinyMap() {
  return new Map([
    ['Ａ', 'A'], ['Ｂ', 'B'], ['ａ', 'a'], ['ｂ', 'b'], ['１', '1'], ['２', '2'], ['ﬁ', 'fi'], ['①', '1'], ['²', '2'],
    ['\u00a0', ' '], ['\u3000', ' '], ['\t', ' '], ['\n', ' '], ['\u200b', ''], ['\u0007', ''],
    ['e\u0301', 'é'], ['a\u0300', 'à'], ['Å', 'Å'],
  ]);
}

function range(a, b) { const r = []; for (let i = a; i <= b; i++) r.push(i); return r; }

module.exports = { buildCharsMap, nfkcMap, tinyMap };
