// An outside client for an ONNX file exported by MLNet.SentenceEmbeddings: onnxruntime-node runs it on token ids
// that C# wrote (tokenization stays in C#), and the vectors are compared with the ones C# computed.
// Usage: node check.mjs input.json   (input.json from `dotnet run --project tools/OnnxBenchmark -- node-check`)
// Prints one JSON line {count, dimension, min, mean, threshold, ok}; exits 1 when the lowest cosine is under threshold.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const session = await ort.InferenceSession.create(input.model, {
  graphOptimizationLevel: 'all',
  intraOpNumThreads: input.threads ?? 2,
});

// Batches padded to their longest input, as the C# backend does; padding is masked out inside the graph.
const vectors = [];
for (let start = 0; start < input.items.length; start += input.batch_size) {
  const batch = input.items.slice(start, start + input.batch_size);
  const b = batch.length;
  const t = Math.max(...batch.map((x) => x.input_ids.length));
  const ids = new BigInt64Array(b * t).fill(BigInt(input.pad_id));
  const mask = new BigInt64Array(b * t);
  const types = new BigInt64Array(b * t);
  batch.forEach((x, r) => {
    x.input_ids.forEach((id, c) => {
      ids[r * t + c] = BigInt(id);
      mask[r * t + c] = 1n;
      types[r * t + c] = BigInt(x.token_type_ids[c]);
    });
  });
  const all = { input_ids: ids, attention_mask: mask, token_type_ids: types };
  const feeds = Object.fromEntries(session.inputNames.map((n) => [n, new ort.Tensor('int64', all[n], [b, t])]));
  const out = (await session.run(feeds)).sentence_embedding;
  const d = out.dims[1];
  for (let r = 0; r < b; r++) vectors.push(out.data.slice(r * d, (r + 1) * d));
}

const cosine = (a, e) => {
  let dot = 0, na = 0, ne = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * e[i]; na += a[i] * a[i]; ne += e[i] * e[i]; }
  return dot / Math.sqrt(na * ne);
};
const cosines = vectors.map((v, i) => cosine(v, input.expected[i]));
const min = Math.min(...cosines);
const mean = cosines.reduce((s, c) => s + c, 0) / cosines.length;
const ok = vectors.length === input.expected.length && min >= input.threshold;
console.log(JSON.stringify({ count: vectors.length, dimension: vectors[0]?.length ?? 0, min, mean, threshold: input.threshold, ok }));
process.exit(ok ? 0 : 1);
