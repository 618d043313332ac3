#!/usr/bin/env bash
# Re-executes the notebooks in this folder headless (dotnet-repl) and saves each with its outputs (text, tables and
# plots), which is how they are committed, so that a reader on GitHub sees results. Run from anywhere:
#   examples/notebooks/refresh.sh                   # all of them
#   examples/notebooks/refresh.sh quickstart.ipynb  # some
# It packs the libraries from the Release build into artifacts/packages first (build the solution before), and drops
# this version of our three packages from the NuGet cache so that the notebooks restore what was just packed.
# A notebook is replaced only when every cell ran without error (temporary sibling, then rename).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
version="$(dotnet msbuild src/MLNet.SentenceEmbeddings/MLNet.SentenceEmbeddings.csproj -getProperty:PackageVersion)"
dotnet build tools/MLNetPublicizer/MLNetPublicizer.csproj -c Release -v quiet -nologo
for project in MLNet.SentenceEmbeddings.Onnx MLNet.SentenceEmbeddings MLNet.SentenceEmbeddings.MLNet; do
  dotnet pack "src/$project/$project.csproj" -c Release --no-build -v quiet -nologo
done
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
for id in mlnet.sentenceembeddings.onnx mlnet.sentenceembeddings mlnet.sentenceembeddings.mlnet; do
  rm -rf "${packages:?}/$id/$version"
done
dotnet tool restore >/dev/null
cd examples/notebooks
notebooks=("$@")
if [ ${#notebooks[@]} -eq 0 ]; then notebooks=(*.ipynb); fi
for notebook in "${notebooks[@]}"; do
  executed="$(mktemp -p . --suffix .ipynb ".${notebook%.ipynb}.XXXXXX")"
  echo "running $notebook"
  if dotnet dotnet-repl --run "$notebook" --exit-after-run --output-path "$executed" \
      && ! grep -q '"output_type": *"error"' "$executed"; then
    chmod 644 "$executed"
    mv "$executed" "$notebook"
    echo "saved $notebook with its outputs"
  else
    rm -f "$executed"
    echo "$notebook failed; left as it was" >&2
    exit 1
  fi
done
